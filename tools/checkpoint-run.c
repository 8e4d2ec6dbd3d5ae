/* SPDX-License-Identifier: BSD-2-Clause */
/* --checkpoint and --resume while a sweep runs (checkpoint-run.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "checkpoint-run.h"
#include "targets-digest.h"

uint64_t ckpt_digest(const struct cli_options *o)
{
	uint64_t h = DIGEST_FNV_BASIS;
	size_t n = isw_targets_nranges(o->targets);

	h = digest_fold(h, n);
	for (size_t i = 0; i < n; i++) {
		uint32_t lo, hi;

		isw_targets_range(o->targets, i, &lo, &hi);
		h = digest_fold(h, (uint64_t)lo << 32 | hi);
	}
	h = digest_fold_v6(h, o->targets);
	h = digest_fold(h, o->cfg.seed);
	h = digest_fold(h, o->cfg.probes);
	h = digest_fold(h, o->cfg.ttl);
	h = digest_fold(h, (uint64_t)o->cfg.arp);
	h = digest_fold(h, (uint64_t)o->shard.index << 32 | o->shard.count);
	h = digest_fold(h, o->cfg.max_targets);
	return digest_fold(h, (uint64_t)o->cfg.dry_run);
}

/* --resume FILE, --resume=FILE or an abbreviation getopt takes ("--resu"): how many of
 * argv's words from i it spans, else 0. */
static int resume_words(char **argv, int i, int argc)
{
	const char *a = argv[i], *eq = strchr(a, '=');
	size_t len = eq ? (size_t)(eq - a) : strlen(a);

	if (len < 6 || strncmp(a, "--resume", len))
		return 0;
	return eq || i + 1 >= argc ? 1 : 2;
}

int ckpt_record_args(const struct cli_options *o, int argc, char **argv, char *seedbuf,
                     size_t seedsize, int *nargc, char ***nargv)
{
	char **v = calloc((size_t)argc + 3, sizeof(*v));
	int n = 0, dashdash = 0;

	if (!v)
		return -ENOMEM;
	for (int i = 1; i < argc; i++) {
		int skip = dashdash ? 0 : resume_words(argv, i, argc);

		if (!strcmp(argv[i], "--"))
			dashdash = 1;
		if (skip) {
			i += skip - 1;
			continue;
		}
		v[n++] = argv[i];
	}
	/* The seed the order came from, so the resumed sweep walks the same order. */
	if (!o->seed_given) {
		snprintf(seedbuf, seedsize, "--seed=%" PRIu64, o->cfg.seed);
		if (dashdash) {
			memmove(v + 1, v, (size_t)n * sizeof(*v));
			v[0] = seedbuf;
		} else {
			v[n] = seedbuf;
		}
		n++;
	}
	*nargc = n;
	*nargv = v;
	return 0;
}

/* One option's value as text, for the comparison and its message. */
struct opt_value {
	const char *name;
	char now[96], rec[96];
};

/* Eight bytes of an IPv6 address from off, as one number for the comparison. */
static unsigned long long half6(const uint8_t *a, int off)
{
	unsigned long long v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | a[off + i];
	return v;
}

static const char *str_or(const char *s, const char *dflt)
{
	return s ? s : dflt;
}

int ckpt_compare(const struct cli_options *now, const struct cli_options *rec,
                 const struct checkpoint *ck, char *errbuf)
{
	const struct cli_options *side[2] = {now, rec};
	struct opt_value v[20];
	size_t n = 0;

#define OPT(label, fmt, ...)                                                                       \
	do {                                                                                       \
		v[n].name = label;                                                                 \
		for (int s_ = 0; s_ < 2; s_++) {                                                   \
			const struct cli_options *x = side[s_];                                    \
			snprintf(s_ ? v[n].rec : v[n].now, sizeof(v[n].now), fmt, __VA_ARGS__);    \
		}                                                                                  \
		n++;                                                                               \
	} while (0)
	OPT("--seed", "%" PRIu64, x->cfg.seed);
	OPT("-P", "%u", x->cfg.probes);
	OPT("-T", "%u", x->cfg.senders);
	OPT("-r", "%" PRIu64, x->cfg.rate);
	OPT("--ttl", "%u", x->cfg.ttl);
	OPT("--iid", "%s", str_or(x->iid_text[0] ? x->iid_text : NULL, "::1"));
	OPT("-o", "%s", str_or(x->output_path, "-"));
	OPT("-O", "%d", (int)x->format);
	OPT("-f", "%s", str_or(x->fields, "(all)"));
	OPT("-n", "%d", x->no_resolve);
	OPT("-i", "%s", str_or(x->cfg.iface, "(route)"));
	OPT("-S", "%" PRIu32, x->cfg.src_addr);
	OPT("-S (IPv6)", "%d %016llx%016llx", x->cfg.have_src6, half6(x->cfg.src6, 0),
	    half6(x->cfg.src6, 8));
	OPT("--arp-only/--no-arp", "%d", (int)x->cfg.arp);
	OPT("--dry-run", "%d", x->cfg.dry_run);
	OPT("--tx", "%s", str_or(x->cfg.tx, "auto"));
	OPT("--shard", "%u/%u", x->shard.index, x->shard.count);
	OPT("--max-targets", "%llu", (unsigned long long)x->cfg.max_targets);
	OPT("--checkpoint", "%s", str_or(x->checkpoint_path, "(none)"));
#undef OPT
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].now, v[i].rec)) {
			snprintf(errbuf, ISW_ERRBUF_SIZE,
			         "--resume: %s is %s here but %s in the checkpoint; give only "
			         "--resume FILE, or the same options",
			         v[i].name, v[i].now, v[i].rec);
			return -EINVAL;
		}
	if (isw_targets_count(now->targets) != isw_targets_count(rec->targets) ||
	    ckpt_digest(now) != ckpt_digest(rec)) {
		snprintf(errbuf, ISW_ERRBUF_SIZE,
		         "--resume: the targets or exclusions differ from the checkpoint's "
		         "(%" PRIu64 " targets here, %" PRIu64 " there)",
		         isw_targets_count(now->targets), isw_targets_count(rec->targets));
		return -EINVAL;
	}
	if (ckpt_digest(now) != ck->digest) {
		/* Same words, other contents: a target file (-I, -b) changed since. */
		snprintf(errbuf, ISW_ERRBUF_SIZE,
		         "--resume: the targets, exclusions or probing options are not those of "
		         "the checkpoint (a target or exclusion file changed?)");
		return -EINVAL;
	}
	return 0;
}

int ckpt_run_init(struct ckpt_run *r, const struct cli_options *o, int argc, char **argv,
                  int track_written)
{
	memset(r, 0, sizeof(*r));
	r->path = o->checkpoint_path;
	r->interval_s =
	    o->checkpoint_interval_s > 0 ? o->checkpoint_interval_s : CKPT_DEFAULT_INTERVAL_S;
	r->settle_s = r->interval_s < 1.0 ? r->interval_s : 1.0;
	r->track_written = track_written;
	r->base.seed = o->cfg.seed;
	r->base.digest = ckpt_digest(o);
	r->base.argc = argc;
	r->base.argv = argv;
	r->base.output_path =
	    (char *)(o->output_path && strcmp(o->output_path, "-") ? o->output_path : "");
	pthread_mutex_init(&r->lock, NULL);
	return 0;
}

void ckpt_run_free(struct ckpt_run *r)
{
	if (!r->path)
		return;
	pthread_mutex_destroy(&r->lock);
	free(r->answered);
	free(r->written);
	r->path = NULL;
}

void ckpt_run_lock(struct ckpt_run *r)
{
	pthread_mutex_lock(&r->lock);
}

void ckpt_run_unlock(struct ckpt_run *r)
{
	pthread_mutex_unlock(&r->lock);
}

static void *grow(void *p, size_t *cap, size_t need, size_t size)
{
	size_t c = *cap ? *cap : 1024;
	void *q;

	while (c < need)
		c *= 2;
	if (c == *cap)
		return p;
	q = realloc(p, c * size);
	if (q)
		*cap = c;
	return q;
}

void ckpt_run_answered(struct ckpt_run *r, const struct isw_result *res)
{
	struct isw_result *a = grow(r->answered, &r->cap_answered, r->nanswered + 1, sizeof(*a));

	if (!a) {
		r->oom = 1;
		return;
	}
	r->answered = a;
	a[r->nanswered] = *res;
	/* The strings belong to the scan or the resolver: a resume looks them up again. */
	a[r->nanswered].hostname = NULL;
	a[r->nanswered].vendor = NULL;
	a[r->nanswered].note = NULL;
	a[r->nanswered].lookup = ISW_LOOKUP_NONE;
	r->nanswered++;
}

void ckpt_run_written(struct ckpt_run *r, const struct isw_result *res)
{
	struct ckpt_answer *w;

	if (!r->track_written)
		return;
	w = grow(r->written, &r->cap_written, r->nwritten + 1, sizeof(*w));
	if (!w) {
		r->oom = 1;
		return;
	}
	r->written = w;
	w[r->nwritten++] = (struct ckpt_answer){res->addr, (uint8_t)res->type};
}

int ckpt_run_seed(struct ckpt_run *r, const struct checkpoint *ck)
{
	r->base.resumes = ck->resumes + 1;
	/* Written by an earlier run: answered and written alike. */
	for (size_t i = 0; i < ck->nanswered; i++) {
		struct isw_result res = {.addr = ck->answered[i].addr,
		                         .type = (enum isw_result_type)ck->answered[i].type};

		ckpt_run_answered(r, &res);
		ckpt_run_written(r, &res);
	}
	return r->oom ? -ENOMEM : 0;
}

static int answer_cmp(const void *a, const void *b)
{
	const struct ckpt_answer *x = a, *y = b;

	int c = isw_addr_cmp(&x->addr, &y->addr);

	if (c)
		return c;
	return (int)x->type - (int)y->type;
}

/* The newest sample at least settle_s old (the oldest one when none is that old yet). */
static const struct isw_scan_progress *settled(const struct ckpt_run *r, double now_s)
{
	const struct isw_scan_progress *best = NULL;

	for (unsigned k = 1; k <= r->count; k++) {
		unsigned i = (r->head + CKPT_SAMPLES - k) % CKPT_SAMPLES;

		best = &r->samples[i].p;
		if (r->samples[i].t <= now_s - r->settle_s)
			break;
	}
	return best;
}

/* The answered set (written ones as address and type, the others whole) and the output's
 * size, taken together under the lock; then the file. */
static int save(struct ckpt_run *r, const struct isw_scan_progress *p, char *errbuf)
{
	struct checkpoint ck = r->base;
	struct ckpt_answer *ans = NULL, *wr = NULL;
	struct isw_result *pend = NULL;
	size_t na, nw, np = 0, nk = 0;
	int rc = -ENOMEM;

	ckpt_run_lock(r);
	if (r->oom) {
		ckpt_run_unlock(r);
		snprintf(errbuf, ISW_ERRBUF_SIZE,
		         "cannot write checkpoint '%s': out of memory keeping the answers",
		         r->path);
		return -ENOMEM;
	}
	na = r->nanswered;
	nw = r->track_written ? r->nwritten : na;
	if (r->writer)
		isw_output_flush(r->writer);
	ck.output_size = 0;
	if (r->out) {
		off_t at = ftello(r->out);
		ck.output_size = at > 0 ? (uint64_t)at : 0;
	}
	ans = malloc((na ? na : 1) * sizeof(*ans));
	wr = r->track_written ? malloc((nw ? nw : 1) * sizeof(*wr)) : NULL;
	pend = r->track_written ? malloc((na ? na : 1) * sizeof(*pend)) : NULL;
	if (ans && (!r->track_written || (wr && pend))) {
		/* Without tracking there is no list (wr NULL): qsort and memcpy take none. */
		if (r->track_written && nw) {
			memcpy(wr, r->written, nw * sizeof(*wr));
			qsort(wr, nw, sizeof(*wr), answer_cmp);
		}
		for (size_t i = 0; i < na; i++) {
			struct ckpt_answer key = {r->answered[i].addr,
			                          (uint8_t)r->answered[i].type};

			if (r->track_written && !bsearch(&key, wr, nw, sizeof(*wr), answer_cmp))
				pend[np++] = r->answered[i];
			else
				ans[nk++] = key;
		}
		rc = 0;
	}
	ckpt_run_unlock(r);
	if (rc == 0) {
		ck.progress = *p;
		ck.answered = ans;
		ck.nanswered = nk;
		ck.pending = pend;
		ck.npending = np;
		rc = checkpoint_save(r->path, &ck, errbuf);
	} else {
		snprintf(errbuf, ISW_ERRBUF_SIZE, "cannot write checkpoint '%s': %s", r->path,
		         strerror(ENOMEM));
	}
	free(ans);
	free(wr);
	free(pend);
	return rc;
}

int ckpt_run_tick(struct ckpt_run *r, const isw_scan *scan, double now_s, int now, int exact,
                  char *errbuf)
{
	struct isw_scan_progress cur;
	const struct isw_scan_progress *p;
	int rc;

	if (!r->path)
		return 0;
	isw_scan_get_progress(scan, &cur);
	r->samples[r->head].t = now_s;
	r->samples[r->head].p = cur;
	r->head = (r->head + 1) % CKPT_SAMPLES;
	if (r->count < CKPT_SAMPLES)
		r->count++;
	if (!now && now_s < r->next_save_s)
		return 0;
	r->next_save_s = now_s + r->interval_s;
	p = exact ? &cur : settled(r, now_s);
	rc = save(r, p, errbuf);
	if (rc < 0)
		r->failed = 1;
	return rc;
}
