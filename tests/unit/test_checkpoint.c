/* SPDX-License-Identifier: BSD-2-Clause */
/* The --checkpoint file (tools/checkpoint.c): a round trip keeps every field; a flipped bit,
 * a cut, trailing bytes, a foreign file or another version is refused whole. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "icmpsweep/error.h"
#include "checkpoint.h"

static char *args[] = {"-r", "20k", "-P", "2", "--seed", "7", "198.18.0.0/15"};

static void sample(struct checkpoint *ck, struct ckpt_answer *ans, struct isw_result *pend)
{
	memset(ck, 0, sizeof(*ck));
	ck->seed = 7;
	ck->digest = 0x1122334455667788ull;
	ck->resumes = 3;
	ck->output_path = "out.txt";
	ck->output_size = 12345;
	ck->argc = 7;
	ck->argv = args;
	ck->progress.passes = 2;
	ck->progress.senders = 2;
	ck->progress.lo[0] = 0;
	ck->progress.hi[0] = 65536;
	ck->progress.lo[1] = 65536;
	ck->progress.hi[1] = 131072;
	ck->progress.pass[0] = 2; /* in pass 2 */
	ck->progress.next[0] = 100;
	ck->progress.pass[1] = 1; /* still in pass 1 */
	ck->progress.next[1] = 70000;
	ans[0] = (struct ckpt_answer){isw_addr_from_v4(0xc6120001u), ISW_RESULT_ECHO_REPLY};
	ans[1] = (struct ckpt_answer){isw_addr_from_v4(0xc6120102u), ISW_RESULT_UNREACHABLE};
	ck->nanswered = 2;
	ck->answered = ans;
	memset(pend, 0, sizeof(*pend));
	pend->addr = isw_addr_from_v4(0xc6120005u);
	pend->responder = isw_addr_from_v4(0xc6120005u);
	pend->type = ISW_RESULT_ECHO_REPLY;
	pend->ttl = 64;
	pend->probe = 1;
	pend->rtt_ms = 1.25;
	pend->ts_us = 1700000000123456;
	pend->have_mac = 1;
	memcpy(pend->mac, "\x02\x00\x00\x00\x00\x01", 6);
	ck->npending = 1;
	ck->pending = pend;
}

static void round_trip(void **state)
{
	struct checkpoint ck, back;
	struct ckpt_answer ans[2];
	struct isw_result pend;
	char err[ISW_ERRBUF_SIZE];
	uint8_t *buf;
	size_t len;

	(void)state;
	sample(&ck, ans, &pend);
	assert_int_equal(checkpoint_encode(&ck, &buf, &len), 0);
	assert_int_equal(checkpoint_decode(buf, len, &back, err), 0);
	assert_int_equal(back.version, CHECKPOINT_VERSION);
	assert_int_equal(back.seed, 7);
	assert_int_equal(back.digest, ck.digest);
	assert_int_equal(back.resumes, 3);
	assert_string_equal(back.output_path, "out.txt");
	assert_int_equal(back.output_size, 12345);
	assert_int_equal(back.argc, 7);
	for (int i = 0; i < 7; i++)
		assert_string_equal(back.argv[i], args[i]);
	assert_int_equal(back.progress.senders, 2);
	assert_int_equal(back.progress.passes, 2);
	assert_int_equal(back.progress.pass[0], 2);
	assert_int_equal(back.progress.next[0], 100);
	assert_int_equal(back.progress.pass[1], 1);
	assert_int_equal(back.progress.next[1], 70000);
	assert_int_equal(back.progress.hi[1], 131072);
	assert_int_equal(back.nanswered, 2);
	assert_int_equal(isw_addr_v4(&back.answered[1].addr), 0xc6120102u);
	assert_int_equal(back.answered[1].type, ISW_RESULT_UNREACHABLE);
	assert_int_equal(back.npending, 1);
	assert_int_equal(isw_addr_v4(&back.pending[0].addr), 0xc6120005u);
	assert_int_equal(back.pending[0].ts_us, 1700000000123456);
	assert_true(back.pending[0].rtt_ms > 1.249 && back.pending[0].rtt_ms < 1.251);
	assert_int_equal(back.pending[0].have_mac, 1);
	assert_memory_equal(back.pending[0].mac, "\x02\x00\x00\x00\x00\x01", 6);
	checkpoint_free(&back);
	free(buf);
}

/* A finished sender (every pass complete) and one not started come back as they were. */
static void round_trip_ends(void **state)
{
	struct checkpoint ck, back;
	struct ckpt_answer ans[2];
	struct isw_result pend;
	char err[ISW_ERRBUF_SIZE];
	uint8_t *buf;
	size_t len;

	(void)state;
	sample(&ck, ans, &pend);
	ck.progress.pass[0] = 2;
	ck.progress.next[0] = 65536;
	ck.progress.pass[1] = 0;
	ck.progress.next[1] = 65536;
	assert_int_equal(checkpoint_encode(&ck, &buf, &len), 0);
	assert_int_equal(checkpoint_decode(buf, len, &back, err), 0);
	assert_int_equal(back.progress.pass[0], 2);
	assert_int_equal(back.progress.next[0], 65536);
	assert_int_equal(back.progress.pass[1], 1);
	assert_int_equal(back.progress.next[1], 65536);
	checkpoint_free(&back);
	free(buf);
}

static void every_flipped_byte_is_refused(void **state)
{
	struct checkpoint ck, back;
	struct ckpt_answer ans[2];
	struct isw_result pend;
	char err[ISW_ERRBUF_SIZE];
	uint8_t *buf;
	size_t len;

	(void)state;
	sample(&ck, ans, &pend);
	assert_int_equal(checkpoint_encode(&ck, &buf, &len), 0);
	for (size_t i = 0; i < len; i++) {
		buf[i] ^= 0x10;
		assert_int_equal(checkpoint_decode(buf, len, &back, err), -EINVAL);
		assert_null(back.argv);
		buf[i] ^= 0x10;
	}
	free(buf);
}

static void every_truncation_is_refused(void **state)
{
	struct checkpoint ck, back;
	struct ckpt_answer ans[2];
	struct isw_result pend;
	char err[ISW_ERRBUF_SIZE];
	uint8_t *buf;
	size_t len;

	(void)state;
	sample(&ck, ans, &pend);
	assert_int_equal(checkpoint_encode(&ck, &buf, &len), 0);
	for (size_t cut = 0; cut < len; cut++)
		assert_int_equal(checkpoint_decode(buf, cut, &back, err), -EINVAL);
	assert_non_null(strstr(err, "truncated"));
	/* and bytes past the end */
	buf = realloc(buf, len + 1);
	buf[len] = 0;
	assert_int_equal(checkpoint_decode(buf, len + 1, &back, err), -EINVAL);
	free(buf);
}

/* IPv6 answers and a pending link-local result keep their family, bytes and scope. */
static void ipv6_round_trip(void **state)
{
	struct checkpoint ck, back;
	struct ckpt_answer ans[2];
	struct isw_result pend;
	char err[ISW_ERRBUF_SIZE], text[ISW_ADDR_TEXT_MAX];
	uint8_t *buf;
	size_t len;

	(void)state;
	sample(&ck, ans, &pend);
	assert_int_equal(isw_addr_parse("2001:db8::7", &ans[1].addr, NULL), 0);
	assert_int_equal(isw_addr_parse("fe80::5", &pend.addr, NULL), 0);
	assert_int_equal(isw_addr_parse("fe80::1", &pend.responder, NULL), 0);
	pend.scope_id = 3;
	assert_int_equal(checkpoint_encode(&ck, &buf, &len), 0);
	assert_int_equal(checkpoint_decode(buf, len, &back, err), 0);
	assert_int_equal(back.nanswered, 2);
	assert_int_equal(isw_addr_v4(&back.answered[0].addr), 0xc6120001u);
	assert_true(isw_addr_equal(&back.answered[1].addr, &ans[1].addr));
	assert_int_equal(back.answered[1].type, ISW_RESULT_UNREACHABLE);
	assert_true(isw_addr_equal(&back.pending[0].addr, &pend.addr));
	assert_string_equal(isw_addr_format(&back.pending[0].responder, text), "fe80::1");
	assert_int_equal(back.pending[0].scope_id, 3);
	assert_int_equal(back.pending[0].ttl, 64);
	checkpoint_free(&back);
	free(buf);
}

static void put_v1(uint8_t *b, size_t *n, uint64_t v, unsigned bytes)
{
	for (unsigned k = 0; k < bytes; k++)
		b[(*n)++] = (uint8_t)(v >> (8 * k));
}

/* A version 1 file (IPv4 addresses as u32, no scope), as the last release wrote it, still
 * resumes. */
static void version1_is_read(void **state)
{
	uint8_t b[256];
	size_t n = 0;
	struct checkpoint back;
	char err[ISW_ERRBUF_SIZE];

	(void)state;
	memcpy(b, "ISWCKPT\n", 8);
	n = 8;
	put_v1(b, &n, 1, 4);
	put_v1(b, &n, 0, 4);
	put_v1(b, &n, 0, 8);   /* body length, below */
	put_v1(b, &n, 7, 8);   /* seed */
	put_v1(b, &n, 9, 8);   /* digest */
	put_v1(b, &n, 0, 4);   /* resumes */
	put_v1(b, &n, 0, 4);   /* output path "" */
	put_v1(b, &n, 0, 8);   /* output size */
	put_v1(b, &n, 0, 4);   /* argc */
	put_v1(b, &n, 1, 4);   /* passes */
	put_v1(b, &n, 1, 4);   /* senders */
	put_v1(b, &n, 0, 8);   /* lo */
	put_v1(b, &n, 256, 8); /* hi */
	put_v1(b, &n, 10, 8);  /* next of pass 1 */
	put_v1(b, &n, 1, 8);   /* answered */
	put_v1(b, &n, 0xc6120001u, 4);
	put_v1(b, &n, ISW_RESULT_ECHO_REPLY, 1);
	put_v1(b, &n, 1, 8); /* pending */
	put_v1(b, &n, 0xc6120005u, 4);
	put_v1(b, &n, 0xc0000201u, 4);
	put_v1(b, &n, ISW_RESULT_TIME_EXCEEDED, 1);
	put_v1(b, &n, 11, 1); /* icmp type */
	put_v1(b, &n, 0, 1);
	put_v1(b, &n, 60, 1); /* ttl */
	put_v1(b, &n, 1, 1);
	put_v1(b, &n, (uint64_t)-1, 8); /* rtt unknown */
	put_v1(b, &n, 5, 8);
	put_v1(b, &n, 0, 1); /* no MAC */
	put_v1(b, &n, 0, 6);
	put_v1(b, &n, 0, 2);
	{
		size_t body = n - 24, at = 16;
		uint32_t crc;

		put_v1(b, &at, body, 8);
		crc = checkpoint_crc32(b, n);
		put_v1(b, &n, crc, 4);
	}
	if (checkpoint_decode(b, n, &back, err) != 0)
		fail_msg("%s", err);
	assert_int_equal(back.version, 1);
	assert_int_equal(back.nanswered, 1);
	assert_true(isw_addr_is_v4(&back.answered[0].addr));
	assert_int_equal(isw_addr_v4(&back.answered[0].addr), 0xc6120001u);
	assert_int_equal(back.npending, 1);
	assert_int_equal(isw_addr_v4(&back.pending[0].addr), 0xc6120005u);
	assert_int_equal(isw_addr_v4(&back.pending[0].responder), 0xc0000201u);
	assert_int_equal(back.pending[0].type, ISW_RESULT_TIME_EXCEEDED);
	assert_int_equal(back.pending[0].ttl, 60);
	assert_int_equal(back.pending[0].scope_id, 0);
	checkpoint_free(&back);
}

static void other_version_is_refused(void **state)
{
	struct checkpoint ck, back;
	struct ckpt_answer ans[2];
	struct isw_result pend;
	char err[ISW_ERRBUF_SIZE];
	uint8_t *buf;
	size_t len;
	uint32_t crc;

	(void)state;
	sample(&ck, ans, &pend);
	assert_int_equal(checkpoint_encode(&ck, &buf, &len), 0);
	buf[8] = CHECKPOINT_VERSION + 1;
	/* A well-formed file of another version: refused for its version, not its CRC. */
	crc = checkpoint_crc32(buf, len - 4);
	for (int k = 0; k < 4; k++)
		buf[len - 4 + k] = (uint8_t)(crc >> (8 * k));
	assert_int_equal(checkpoint_decode(buf, len, &back, err), -EINVAL);
	assert_non_null(strstr(err, "version 3;"));
	memcpy(buf, "NOTCKPT\n", 8);
	assert_int_equal(checkpoint_decode(buf, len, &back, err), -EINVAL);
	assert_non_null(strstr(err, "not an icmpsweep checkpoint"));
	free(buf);
}

/* Inconsistent positions (a later pass started while an earlier one is not done) are refused
 * even with a valid CRC. */
static void inconsistent_positions_are_refused(void **state)
{
	struct checkpoint ck, back;
	struct ckpt_answer ans[2];
	struct isw_result pend;
	char err[ISW_ERRBUF_SIZE];
	uint8_t *buf;
	size_t len, at;
	uint32_t crc;

	(void)state;
	sample(&ck, ans, &pend);
	ck.progress.pass[0] = 1;
	ck.progress.next[0] = 100;
	assert_int_equal(checkpoint_encode(&ck, &buf, &len), 0);
	/* pass 2, sender 0's next: after the header, seed, digest, resumes, output path and
	 * size, the arguments, passes, senders, the slices and pass 1's two positions. */
	at = 24 + 8 + 8 + 4 + 4 + 7 + 8 + 4;
	for (int i = 0; i < 7; i++)
		at += 4 + strlen(args[i]);
	at += 4 + 4 + 2 * 16 + 2 * 8;
	assert_int_equal(buf[at], 0); /* lo of sender 0 */
	buf[at] = 5;
	crc = checkpoint_crc32(buf, len - 4);
	for (int k = 0; k < 4; k++)
		buf[len - 4 + k] = (uint8_t)(crc >> (8 * k));
	assert_int_equal(checkpoint_decode(buf, len, &back, err), -EINVAL);
	assert_non_null(strstr(err, "malformed"));
	free(buf);
}

static void save_is_atomic_and_loads(void **state)
{
	struct checkpoint ck, back;
	struct ckpt_answer ans[2];
	struct isw_result pend;
	char err[ISW_ERRBUF_SIZE], dir[] = "/tmp/isw-ckpt-XXXXXX", path[64];
	FILE *fp;

	(void)state;
	sample(&ck, ans, &pend);
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/ck", dir);
	assert_int_equal(checkpoint_save(path, &ck, err), 0);
	assert_int_equal(checkpoint_save(path, &ck, err), 0); /* over the old one */
	assert_int_equal(checkpoint_load(path, &back, err), 0);
	assert_int_equal(back.output_size, 12345);
	checkpoint_free(&back);
	/* A half-written file (power loss without the rename) is refused. */
	assert_int_equal(truncate(path, 40), 0);
	assert_int_equal(checkpoint_load(path, &back, err), -EINVAL);
	assert_non_null(strstr(err, "truncated"));
	fp = fopen(path, "w");
	fclose(fp);
	assert_int_equal(checkpoint_load(path, &back, err), -EINVAL);
	unlink(path);
	assert_int_equal(checkpoint_load(path, &back, err), -ENOENT);
	/* No directory to put it in. */
	snprintf(path, sizeof(path), "%s/no/ck", dir);
	assert_true(checkpoint_save(path, &ck, err) < 0);
	assert_non_null(strstr(err, "cannot write checkpoint"));
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(round_trip),
	    cmocka_unit_test(round_trip_ends),
	    cmocka_unit_test(every_flipped_byte_is_refused),
	    cmocka_unit_test(every_truncation_is_refused),
	    cmocka_unit_test(other_version_is_refused),
	    cmocka_unit_test(ipv6_round_trip),
	    cmocka_unit_test(version1_is_read),
	    cmocka_unit_test(inconsistent_positions_are_refused),
	    cmocka_unit_test(save_is_atomic_and_loads),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
