/* SPDX-License-Identifier: BSD-2-Clause */
/* Traces written during a sweep (trace-writer.h): pcap through libpcap, pcapng by hand,
 * rotation. */
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>

#include "icmpsweep/error.h"
#include "icmpsweep/version.h"
#include "trace-writer.h"

#define PCAPNG_SHB       0x0A0D0D0Au
#define PCAPNG_IDB       0x00000001u
#define PCAPNG_EPB       0x00000006u
#define PCAPNG_BOM       0x1A2B3C4Du
#define OPT_END          0
#define OPT_COMMENT      1
#define OPT_SHB_USERAPPL 4
#define OPT_IF_TSRESOL   9

struct isw_trace_writer {
	struct isw_trace_writer_opts o;
	char *path;     /* owned copy of o.path */
	unsigned index; /* rotation number: 0 = path itself, then path1, path2 ... */
	uint64_t bytes; /* written to the current file */
	uint64_t packets;
	char name[4096]; /* the file being written */
	/* The first error, as a negative errno, and its message (naming the file).  Written
	 * once by the writing thread, msg first; read by another (the scan's owner). */
	atomic_int error;
	char msg[ISW_ERRBUF_SIZE];
	/* pcap */
	pcap_t *dead;
	pcap_dumper_t *dumper;
	/* pcapng */
	FILE *fp;
};

/* Records the first error; later ones are consequences of it.  From then on nothing more is
 * written, so the file stays a well-formed prefix of the trace (at worst cut mid-record,
 * which readers report as truncated). */
static void set_error(struct isw_trace_writer *w, int err, const char *what)
{
	if (atomic_load(&w->error))
		return;
	if (err >= 0)
		err = -EIO;
	snprintf(w->msg, sizeof(w->msg), "%s trace '%s': %s", what, w->name, strerror(-err));
	atomic_store(&w->error, err);
}

/* errno after a stdio call that may have failed: EIO when stdio left none. */
static int stdio_errno(void)
{
	return errno > 0 ? -errno : -EIO;
}

static size_t pad4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

static void put_opt(FILE *fp, uint16_t code, const void *val, uint16_t len)
{
	static const uint8_t zero[4];
	fwrite(&code, 2, 1, fp);
	fwrite(&len, 2, 1, fp);
	fwrite(val, 1, len, fp);
	fwrite(zero, 1, pad4(len) - len, fp);
}

static size_t opt_size(size_t len)
{
	return 4 + pad4(len);
}

static int pcapng_headers(struct isw_trace_writer *w)
{
	static const char appl[] = "icmpsweep " ISW_VERSION;
	const char *c = w->o.comment;
	size_t clen = c ? strlen(c) : 0;
	uint32_t u32, total;
	uint16_t u16;
	int64_t section_len = -1;
	uint8_t tsresol = 6;

	if (clen > 60000)
		clen = 60000;
	total = (uint32_t)(12 + 16 + (clen ? opt_size(clen) : 0) + opt_size(sizeof(appl) - 1) + 4);
	u32 = PCAPNG_SHB;
	fwrite(&u32, 4, 1, w->fp);
	fwrite(&total, 4, 1, w->fp);
	u32 = PCAPNG_BOM;
	fwrite(&u32, 4, 1, w->fp);
	u16 = 1;
	fwrite(&u16, 2, 1, w->fp);
	u16 = 0;
	fwrite(&u16, 2, 1, w->fp);
	fwrite(&section_len, 8, 1, w->fp);
	if (clen)
		put_opt(w->fp, OPT_COMMENT, c, (uint16_t)clen);
	put_opt(w->fp, OPT_SHB_USERAPPL, appl, sizeof(appl) - 1);
	put_opt(w->fp, OPT_END, "", 0);
	fwrite(&total, 4, 1, w->fp);
	w->bytes += total;

	total = 16 + (uint32_t)opt_size(1) + 4 + 4;
	u32 = PCAPNG_IDB;
	fwrite(&u32, 4, 1, w->fp);
	fwrite(&total, 4, 1, w->fp);
	u16 = (uint16_t)w->o.dlt;
	fwrite(&u16, 2, 1, w->fp);
	u16 = 0;
	fwrite(&u16, 2, 1, w->fp);
	u32 = w->o.snaplen;
	fwrite(&u32, 4, 1, w->fp);
	put_opt(w->fp, OPT_IF_TSRESOL, &tsresol, 1);
	put_opt(w->fp, OPT_END, "", 0);
	fwrite(&total, 4, 1, w->fp);
	w->bytes += total;
	return ferror(w->fp) ? -EIO : 0;
}

static int open_file(struct isw_trace_writer *w, char *errbuf)
{
	const char *name = w->name;

	if (w->index)
		snprintf(w->name, sizeof(w->name), "%s%u", w->path, w->index);
	else
		snprintf(w->name, sizeof(w->name), "%s", w->path);
	w->bytes = 0;
	if (w->o.pcapng) {
		w->fp = fopen(name, "wb");
		if (!w->fp) {
			int err = errno;
			snprintf(errbuf, ISW_ERRBUF_SIZE, "cannot write trace '%s': %s", name,
			         strerror(err));
			return -err;
		}
		errno = 0;
		if (pcapng_headers(w) < 0) {
			int err = stdio_errno();
			snprintf(errbuf, ISW_ERRBUF_SIZE, "cannot write trace '%s': %s", name,
			         strerror(-err));
			return err;
		}
		return 0;
	}
	errno = 0;
	w->dumper = pcap_dump_open(w->dead, name);
	if (!w->dumper) {
		int err = stdio_errno();
		snprintf(errbuf, ISW_ERRBUF_SIZE, "cannot write trace '%s': %s", name,
		         errno > 0 ? strerror(errno) : pcap_geterr(w->dead));
		return err;
	}
	w->bytes = 24;
	return 0;
}

static void close_file(struct isw_trace_writer *w)
{
	if (w->fp) {
		errno = 0;
		if (fclose(w->fp) != 0)
			set_error(w, stdio_errno(), "writing");
		w->fp = NULL;
	}
	if (w->dumper) {
		/* pcap_dump_close says nothing: flush first, where errors show. */
		errno = 0;
		if (pcap_dump_flush(w->dumper) != 0)
			set_error(w, stdio_errno(), "writing");
		pcap_dump_close(w->dumper);
		w->dumper = NULL;
	}
}

int isw_trace_writer_open(struct isw_trace_writer **out, const struct isw_trace_writer_opts *o,
                          char *errbuf)
{
	struct isw_trace_writer *w = calloc(1, sizeof(*w));
	int rc;

	if (!w)
		return -ENOMEM;
	w->o = *o;
	w->path = strdup(o->path);
	if (!w->path) {
		free(w);
		return -ENOMEM;
	}
	if (!o->pcapng) {
		w->dead = pcap_open_dead_with_tstamp_precision(o->dlt, (int)o->snaplen,
		                                               PCAP_TSTAMP_PRECISION_MICRO);
		if (!w->dead) {
			free(w->path);
			free(w);
			return -ENOMEM;
		}
	}
	rc = open_file(w, errbuf);
	if (rc < 0) {
		isw_trace_writer_close(w);
		return rc;
	}
	*out = w;
	return 0;
}

static void rotate_if_due(struct isw_trace_writer *w, size_t next)
{
	char err[ISW_ERRBUF_SIZE];
	int rc;

	if (!w->o.rotate_bytes || w->bytes + next <= w->o.rotate_bytes || w->packets == 0)
		return;
	close_file(w);
	if (atomic_load(&w->error))
		return;
	w->index++;
	rc = open_file(w, err);
	if (rc < 0 && !atomic_load(&w->error)) {
		snprintf(w->msg, sizeof(w->msg), "%s", err);
		atomic_store(&w->error, rc);
	}
}

int isw_trace_writer_put(struct isw_trace_writer *w, int64_t ts_us, const uint8_t *pkt,
                         uint32_t caplen, uint32_t origlen, const char *comment)
{
	size_t clen = comment && w->o.pcapng ? strlen(comment) : 0;
	size_t need;

	if (atomic_load(&w->error))
		return atomic_load(&w->error);
	if (caplen > w->o.snaplen)
		caplen = w->o.snaplen;
	need = w->o.pcapng ? 32 + pad4(caplen) + (clen ? opt_size(clen) + 4 : 0) : 16 + caplen;
	rotate_if_due(w, need);
	if (w->o.pcapng) {
		static const uint8_t zero[4];
		uint32_t u32 = PCAPNG_EPB, total = (uint32_t)need, ifid = 0;
		uint64_t ts = (uint64_t)ts_us;
		uint32_t hi = (uint32_t)(ts >> 32), lo = (uint32_t)ts;

		if (!w->fp)
			return atomic_load(&w->error) ? atomic_load(&w->error) : -EIO;
		if (clen > 60000)
			clen = 60000;
		errno = 0;
		fwrite(&u32, 4, 1, w->fp);
		fwrite(&total, 4, 1, w->fp);
		fwrite(&ifid, 4, 1, w->fp);
		fwrite(&hi, 4, 1, w->fp);
		fwrite(&lo, 4, 1, w->fp);
		fwrite(&caplen, 4, 1, w->fp);
		fwrite(&origlen, 4, 1, w->fp);
		fwrite(pkt, 1, caplen, w->fp);
		fwrite(zero, 1, pad4(caplen) - caplen, w->fp);
		if (clen) {
			put_opt(w->fp, OPT_COMMENT, comment, (uint16_t)clen);
			put_opt(w->fp, OPT_END, "", 0);
		}
		fwrite(&total, 4, 1, w->fp);
		if (ferror(w->fp))
			set_error(w, stdio_errno(), "writing");
	} else {
		struct pcap_pkthdr h;

		if (!w->dumper)
			return atomic_load(&w->error) ? atomic_load(&w->error) : -EIO;
		h.ts.tv_sec = (time_t)(ts_us / 1000000);
		h.ts.tv_usec = (suseconds_t)(ts_us % 1000000);
		h.caplen = caplen;
		h.len = origlen;
		errno = 0;
		/* pcap_dump returns nothing: its stream's error flag tells. */
		pcap_dump((u_char *)w->dumper, &h, pkt);
		if (ferror(pcap_dump_file(w->dumper)))
			set_error(w, stdio_errno(), "writing");
	}
	w->bytes += need;
	w->packets++;
	return atomic_load(&w->error);
}

int isw_trace_writer_flush(struct isw_trace_writer *w)
{
	errno = 0;
	if (w->fp && fflush(w->fp) != 0)
		set_error(w, stdio_errno(), "writing");
	errno = 0;
	if (w->dumper && pcap_dump_flush(w->dumper) != 0)
		set_error(w, stdio_errno(), "writing");
	return atomic_load(&w->error);
}

int isw_trace_writer_error(const struct isw_trace_writer *w, char *errbuf)
{
	int err = atomic_load(&((struct isw_trace_writer *)w)->error);

	if (err && errbuf)
		snprintf(errbuf, ISW_ERRBUF_SIZE, "%s", w->msg);
	return err;
}

uint64_t isw_trace_writer_packets(const struct isw_trace_writer *w)
{
	return w->packets;
}

int isw_trace_writer_close(struct isw_trace_writer *w)
{
	int rc;

	if (!w)
		return 0;
	isw_trace_writer_flush(w);
	close_file(w);
	if (w->dead)
		pcap_close(w->dead);
	rc = atomic_load(&w->error);
	free(w->path);
	free(w);
	return rc;
}
