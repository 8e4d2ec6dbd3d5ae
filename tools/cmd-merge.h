/* SPDX-License-Identifier: BSD-2-Clause */
/* icmpsweep merge: the shards of one sweep (their results and --metadata files) combined. */
#ifndef ISW_TOOLS_CMD_MERGE_H
#define ISW_TOOLS_CMD_MERGE_H

/* argv[0] is "merge".  Exit status: 0 merged, 1 a shard missing, given twice or unfinished
 * (the result is still written), 2 bad input (options, unreadable files, shards of
 * different sweeps). */
int cmd_merge(int argc, char **argv);

#endif
