/* SPDX-License-Identifier: BSD-2-Clause */
/* icmpsweep map RESULTS -o FILE.png: the --map of a finished sweep, drawn from its result
 * file. */
#ifndef ISW_TOOLS_CMD_MAP_H
#define ISW_TOOLS_CMD_MAP_H

/* argv[0] is "map".  Returns the exit status: 0 drawn, 1 the PNG could not be written, 2 bad
 * input (options, a result or metadata file unreadable or malformed). */
int cmd_map(int argc, char **argv);

#endif
