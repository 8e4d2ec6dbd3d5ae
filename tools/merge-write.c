/* SPDX-License-Identifier: BSD-2-Clause */
/* icmpsweep merge's two outputs (merge-write.h): the hosts in a result format, the summed
 * metadata as JSON. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "icmpsweep/error.h"
#include "icmpsweep/version.h"
#include "atomic-file.h"
#include "merge-write.h"

int merge_write_hosts(FILE *fp, enum isw_format format, const struct rf_set *all, uint64_t targets,
                      char *errbuf)
{
	int hostnames = 0, link = 0, ttl = 1, rc;
	char fields[96];
	isw_output *out;

	for (size_t j = 0; j < all->n; j++) {
		hostnames |= all->hosts[j].hostname != NULL;
		link |= all->hosts[j].have_mac;
		ttl &= all->hosts[j].ttl >= 0;
	}
	/* Only the columns result files carry back: no probe, ts or responder (not read), no
	 * ttl when a shard's file lacks it (text). */
	snprintf(fields, sizeof(fields), "ip,type,rtt_ms%s%s%s", ttl ? ",ttl" : "",
	         hostnames ? ",hostname,lookup" : "", link ? ",mac,vendor" : "");
	struct isw_output_options opt = {
	    .format = format,
	    .hostnames = hostnames,
	    .link = link,
	    .fields = format == ISW_FORMAT_CSV || format == ISW_FORMAT_JSON ? fields : NULL,
	    .args = "icmpsweep merge"};
	rc = isw_output_open(&out, &opt, fp);
	if (rc < 0) {
		snprintf(errbuf, ISW_ERRBUF_SIZE, "cannot start the output: %s", strerror(-rc));
		return rc;
	}
	for (size_t j = 0; j < all->n && rc >= 0; j++) {
		const struct rf_host *h = &all->hosts[j];
		struct isw_result r = {
		    .addr = h->addr,
		    .responder = h->addr,
		    .scope_id = h->scope_id,
		    .type = h->type == RF_TYPE_UP ? ISW_RESULT_ECHO_REPLY
		                                  : (enum isw_result_type)h->type,
		    .ttl = h->ttl > 0 ? (uint8_t)h->ttl : 0,
		    .rtt_ms = h->rtt_ms,
		    .hostname = h->hostname && *h->hostname ? h->hostname : NULL,
		    .lookup = !h->hostname   ? ISW_LOOKUP_NONE
		              : *h->hostname ? ISW_LOOKUP_OK
		                             : ISW_LOOKUP_NXDOMAIN,
		    .have_mac = h->have_mac,
		    .vendor = h->vendor,
		};

		memcpy(r.mac, h->mac, 6);
		rc = isw_output_write(out, &r);
	}
	if (rc >= 0)
		rc = isw_output_finish(out, &(struct isw_output_end){.targets = targets});
	if (rc >= 0)
		rc = isw_output_flush(out);
	isw_output_free(out);
	if (rc < 0)
		snprintf(errbuf, ISW_ERRBUF_SIZE, "writing the results: %s", strerror(-rc));
	return rc;
}

struct merged_meta {
	const struct shard_meta *m;
	size_t nm;
	uint64_t hosts;
	int complete;
};

static int fill_merged(FILE *fp, void *arg)
{
	const struct merged_meta *x = arg;
	const struct shard_meta *m = x->m;
	uint64_t sum[SM_COUNT] = {0};
	const char *start = m[0].start, *end = m[0].end;

	for (size_t i = 0; i < x->nm; i++) {
		for (int c = 0; c < SM_COUNT; c++)
			sum[c] += m[i].counter[c];
		if (m[i].start[0] && strcmp(m[i].start, start) < 0)
			start = m[i].start;
		if (strcmp(m[i].end, end) > 0)
			end = m[i].end;
	}
	fprintf(fp, "{\n  \"tool\": \"icmpsweep\",\n  \"version\": \"%s\",\n", ISW_VERSION);
	fprintf(fp, "  \"merged\": true,\n  \"status\": \"%s\",\n",
	        x->complete ? "done" : "incomplete");
	fprintf(fp, "  \"seed\": %llu,\n  \"shards\": %llu,\n  \"shards_merged\": [",
	        (unsigned long long)m[0].seed, (unsigned long long)m[0].count);
	for (size_t i = 0; i < x->nm; i++)
		fprintf(fp, "%s%llu", i ? ", " : "", (unsigned long long)m[i].index);
	fprintf(fp,
	        "],\n  \"targets_total\": %llu,\n  \"targets_ipv4\": %llu,\n  \"targets_ipv6\": "
	        "%llu,\n  \"targets_digest\": \"%s\",\n",
	        (unsigned long long)m[0].targets_total, (unsigned long long)m[0].targets_ipv4,
	        (unsigned long long)m[0].targets_ipv6, m[0].digest);
	fprintf(fp, "  \"probes_per_target\": %llu,\n  \"reserved_dropped\": %llu,\n",
	        (unsigned long long)m[0].probes_per_target,
	        (unsigned long long)m[0].reserved_dropped);
	fprintf(fp, "  \"start\": \"%s\",\n  \"end\": \"%s\",\n  \"hosts_up\": %llu", start, end,
	        (unsigned long long)x->hosts);
	for (int c = 0; c < SM_COUNT; c++)
		fprintf(fp, ",\n  \"%s\": %llu", shard_meta_counter_names[c],
		        (unsigned long long)sum[c]);
	fputs("\n}\n", fp);
	return ferror(fp) ? -EIO : 0;
}

int merge_write_metadata(const char *path, const struct shard_meta *m, size_t nm, uint64_t hosts,
                         int complete)
{
	struct merged_meta x = {m, nm, hosts, complete};
	int rc = atomic_file_write(path, fill_merged, &x);

	if (rc < 0) {
		fprintf(stderr, "icmpsweep merge: writing metadata '%s': %s\n", path,
		        strerror(-rc));
		return -1;
	}
	return 0;
}
