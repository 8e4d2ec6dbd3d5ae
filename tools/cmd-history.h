/* SPDX-License-Identifier: BSD-2-Clause */
/* icmpsweep history --db FILE [ADDRESS|CIDR] | --runs: what a --db history holds. */
#ifndef ISW_TOOLS_CMD_HISTORY_H
#define ISW_TOOLS_CMD_HISTORY_H

/* argv[0] is "history".  Returns the exit status: 0 listed, 1 the database or the output
 * failed, 2 bad input (options, an address, a file that is not an icmpsweep database). */
int cmd_history(int argc, char **argv);

#endif
