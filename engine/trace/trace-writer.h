/* SPDX-License-Identifier: BSD-2-Clause */
/* Writes packets to a pcap (through libpcap's dump API) or pcapng file (written here: libpcap
 * cannot write pcapng comments), rotating to numbered files past a size like tcpdump -C. */
#ifndef ISW_TRACE_WRITER_H
#define ISW_TRACE_WRITER_H

#include <stdint.h>

struct isw_trace_writer;

struct isw_trace_writer_opts {
	const char *path;
	int pcapng;
	uint64_t rotate_bytes; /* 0: never rotate */
	int dlt;               /* libpcap link type (DLT_EN10MB, DLT_RAW, ...) */
	unsigned snaplen;
	const char *comment; /* pcapng section header comment, or NULL */
};

int isw_trace_writer_open(struct isw_trace_writer **out, const struct isw_trace_writer_opts *o,
                          char *errbuf);
/* comment is ignored for pcap.  Returns 0 or the first write error as -errno: from the first
 * failed write on (a full disk, a rotation that cannot open its next file) the writer writes
 * nothing more, so the trace stays a well-formed prefix. */
int isw_trace_writer_put(struct isw_trace_writer *w, int64_t ts_us, const uint8_t *pkt,
                         uint32_t caplen, uint32_t origlen, const char *comment);
int isw_trace_writer_flush(struct isw_trace_writer *w);
uint64_t isw_trace_writer_packets(const struct isw_trace_writer *w);
/* 0, or the first write error (-errno) with a message naming the file ("writing trace
 * 'x.pcap1': No space left on device") in errbuf.  Safe from another thread while the
 * writer's thread writes. */
int isw_trace_writer_error(const struct isw_trace_writer *w, char *errbuf);
/* Flushes and closes; returns 0 or the first write error seen. */
int isw_trace_writer_close(struct isw_trace_writer *w);

#endif
