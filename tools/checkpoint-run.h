/* SPDX-License-Identifier: BSD-2-Clause */
/* --checkpoint and --resume while a sweep runs: which hosts were answered and written, the
 * senders' positions sampled over time, and the checkpoint saved every interval and at the
 * end (checkpoint.h has the file).  The results' writers call in under its lock so that the
 * output's size and the hosts it holds are saved as one. */
#ifndef ISW_CHECKPOINT_RUN_H
#define ISW_CHECKPOINT_RUN_H

#include <pthread.h>
#include <stdio.h>

#include "checkpoint.h"
#include "cli-options.h"
#include "icmpsweep/output.h"
#include "icmpsweep/scan.h"

#define CKPT_DEFAULT_INTERVAL_S 2.0
#define CKPT_SAMPLES            128

struct ckpt_run {
	const char *path;
	double interval_s;
	/* Positions are saved as they were this long ago, so the answers to every probe before
	 * them have had time to arrive and are in the answered set: min(interval, 1 s). */
	double settle_s;
	struct checkpoint base; /* seed, digest, argv, output path, resumes */
	FILE *out;              /* the results' file, for its size (NULL: not a file) */
	isw_output *writer;
	pthread_mutex_t lock;
	/* Everything the scan reported (the sink), and with a resolver in between, what has
	 * reached the output: the difference is saved whole, to be written on resume. */
	struct isw_result *answered;
	size_t nanswered, cap_answered;
	struct ckpt_answer *written;
	size_t nwritten, cap_written;
	int track_written;
	int oom; /* an answer could not be kept: later checkpoints would lose it */
	struct {
		double t;
		struct isw_scan_progress p;
	} samples[CKPT_SAMPLES];
	unsigned head, count;
	double next_save_s;
	int failed; /* a save failed (reported once; the run fails) */
};

/* The digest of what decides the probes: targets after exclusions, seed, passes, TTL, the
 * ARP mode and whether it is a dry run. */
uint64_t ckpt_digest(const struct cli_options *o);

/* argv (without --resume FILE), and --seed N when the seed was drawn: the options that
 * repeat this sweep.  The strings point into argv or into seedbuf.  0 or -ENOMEM. */
int ckpt_record_args(const struct cli_options *o, int argc, char **argv, char *seedbuf,
                     size_t seedsize, int *nargc, char ***nargv);

/* --resume: argv0, the checkpoint's options, then argv's own; what the options that decide
 * the sweep differ in from the checkpoint's alone is refused.  rec is the parse of the
 * checkpoint's options alone.  0, or -EINVAL naming the first difference. */
int ckpt_compare(const struct cli_options *now, const struct cli_options *rec,
                 const struct checkpoint *ck, char *errbuf);

int ckpt_run_init(struct ckpt_run *r, const struct cli_options *o, int argc, char **argv,
                  int track_written);
void ckpt_run_free(struct ckpt_run *r);
/* Hosts the earlier runs answered and wrote: kept for the next checkpoint. */
int ckpt_run_seed(struct ckpt_run *r, const struct checkpoint *ck);
/* The sink (any thread): under the lock, r reported by the scan. */
void ckpt_run_lock(struct ckpt_run *r);
void ckpt_run_unlock(struct ckpt_run *r);
void ckpt_run_answered(struct ckpt_run *r, const struct isw_result *res);
void ckpt_run_written(struct ckpt_run *r, const struct isw_result *res);
/* Main thread: samples the positions, and saves when due.  now: save at once; exact: with
 * the positions of now rather than settled ones (the capture has ended after its cooldown,
 * so every answer is in).  0, or a negative errno with a message. */
int ckpt_run_tick(struct ckpt_run *r, const isw_scan *scan, double now_s, int now, int exact,
                  char *errbuf);

#endif
