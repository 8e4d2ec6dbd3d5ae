/* SPDX-License-Identifier: BSD-2-Clause */
/* icmpsweep diff OLD NEW: what changed between two sweeps' result files. */
#ifndef ISW_TOOLS_CMD_DIFF_H
#define ISW_TOOLS_CMD_DIFF_H

/* argv[0] is "diff".  Returns the exit status: 0 same, 1 different, 2 trouble (bad
 * options, an unreadable or malformed file, a failed write), as diff(1). */
int cmd_diff(int argc, char **argv);

#endif
