/* SPDX-License-Identifier: BSD-2-Clause */
/* Unit tests for engine/tx/tx.c: the backend table, and "auto" choosing or explaining.  Opening a
 * real interface needs root and a lab (tests/e2e/tx_backends.sh); here only interfaces that
 * do not exist, and links without Ethernet, which every backend must refuse by itself.  And
 * the dry-run backend's listing of IPv4 and IPv6 frames, Ethernet and raw. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "icmpsweep/error.h"
#include "icmpsweep/output.h"
#include "icmpsweep/scan.h"
#include "probe.h"
#include "probe6.h"
#include "tx.h"

static void test_find(void **state)
{
	assert_ptr_equal(isw_tx_find("auto"), &isw_tx_auto_ops);
	assert_ptr_equal(isw_tx_find("xdp"), &isw_tx_xdp_ops);
	assert_ptr_equal(isw_tx_find("ring"), &isw_tx_ring_ops);
	assert_ptr_equal(isw_tx_find("libnet"), &isw_tx_libnet_ops);
	/* dry-run is chosen by --dry-run, never by name. */
	assert_null(isw_tx_find("dry-run"));
	assert_null(isw_tx_find("afpacket"));
	assert_null(isw_tx_find(""));
	assert_true(isw_tx_backend_known("ring"));
	assert_false(isw_tx_backend_known("RING"));
	/* Every name the message lists is known. */
	char names[128], *save = NULL;
	snprintf(names, sizeof(names), "%s", isw_tx_backend_names());
	for (char *n = strtok_r(names, ", ", &save); n; n = strtok_r(NULL, ", ", &save))
		assert_true(isw_tx_backend_known(n));
}

/* Backends that put frames in slots refuse a raw IPv4 link before touching the system. */
static void test_raw_ip_refused(void **state)
{
	const struct isw_tx_params p = {.iface = "tun-none0", .raw_ip = 1};
	char err[ISW_ERRBUF_SIZE] = "";
	struct isw_tx *tx = NULL;

	assert_int_equal(isw_tx_ring_ops.open(&tx, &p, err), -EOPNOTSUPP);
	assert_non_null(strstr(err, "ring: tun-none0 has no Ethernet header"));
	assert_null(tx);
	err[0] = 0;
	assert_int_equal(isw_tx_xdp_ops.open(&tx, &p, err), -EOPNOTSUPP);
	assert_non_null(strstr(err, "xdp: "));
	assert_null(tx);
}

/* auto on an interface nothing can open: an error that names every backend's reason. */
static void test_auto_explains(void **state)
{
	const struct isw_tx_params p = {.iface = "isw-no-such0"};
	const struct isw_tx_ops *ops = &isw_tx_auto_ops;
	char err[ISW_ERRBUF_SIZE] = "";
	struct isw_tx *tx = NULL;

	assert_true(isw_tx_open(&ops, &tx, &p, err) < 0);
	assert_ptr_equal(ops, &isw_tx_auto_ops);
	assert_null(tx);
	assert_non_null(strstr(err, "no transmit backend opens on isw-no-such0: "));
	assert_non_null(strstr(err, "xdp: "));
	assert_non_null(strstr(err, "ring: "));
	assert_non_null(strstr(err, "libnet"));
}

/* A named backend opens as itself; dry-run needs no interface. */
static void test_open_named(void **state)
{
	const struct isw_tx_params p = {.iface = "dry-run", .out = NULL};
	const struct isw_tx_ops *ops = &isw_tx_dry_run_ops;
	char err[ISW_ERRBUF_SIZE] = "";
	struct isw_tx *tx = NULL;

	assert_int_equal(isw_tx_open(&ops, &tx, &p, err), 0);
	assert_ptr_equal(ops, &isw_tx_dry_run_ops);
	assert_non_null(tx);
	ops->close(tx);
}

/* The dry run names each frame by what it holds: destination of either family, attempt, id
 * and sequence as the frame carries them, and the whole frame. */
static void test_dry_run_lists_both_families(void **state)
{
	static const uint8_t dst6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0x2a, [15] = 1};
	char err[ISW_ERRBUF_SIZE] = "", want[512], hex[2 * ISW_PROBE6_MAX_LEN + 1];
	struct isw_output_options opt = {.format = ISW_FORMAT_TEXT, .probes = 1};

	(void)state;
	for (int raw = 0; raw < 2; raw++) {
		struct isw_probe_template t4;
		struct isw_probe6_template t6;
		struct isw_probe_params p4 = {.src = 0xc6120001u, .ttl = 64, .raw_ip = raw};
		struct isw_probe6_params p6 = {
		    .src = {0x20, 0x01, 0x0d, 0xb8, [15] = 9}, .hop_limit = 64, .raw_ip = raw};
		struct isw_tx_params tp = {.iface = "dry-run", .raw_ip = raw};
		uint8_t f4[ISW_PROBE_MAX_LEN], f6[ISW_PROBE6_MAX_LEN];
		uint8_t *frames[2] = {f4, f6};
		uint32_t lens[2];
		struct isw_tag_key key;
		struct isw_tx *tx = NULL;
		isw_output *out = NULL;
		char *buf = NULL;
		size_t size = 0;
		FILE *fp = open_memstream(&buf, &size);
		const uint8_t *ip6, *ip4;

		assert_non_null(fp);
		isw_tag_key_init(&key, 7);
		assert_int_equal(isw_probe_template_init(&t4, &p4, err), 0);
		assert_int_equal(isw_probe6_template_init(&t6, &p6, err), 0);
		isw_probe_patch(&t4, &key, f4, 0xc6120107u, 2, 1000);
		isw_probe6_patch(&t6, &key, f6, dst6, 3, 1000);
		lens[0] = t4.len;
		lens[1] = t6.len;
		assert_int_equal(isw_output_open(&out, &opt, fp), 0);
		tp.out = out;
		assert_int_equal(isw_tx_dry_run_ops.open(&tx, &tp, err), 0);
		assert_int_equal(isw_tx_dry_run_ops.send(tx, frames, lens, 2), 2);
		isw_tx_dry_run_ops.close(tx);
		assert_int_equal(isw_output_flush(out), 0);
		isw_output_free(out);
		fclose(fp);

		ip4 = f4 + (raw ? 0 : ISW_ETH_LEN);
		ip6 = f6 + (raw ? 0 : ISW_ETH_LEN);
		assert_int_equal(t6.len,
		                 (raw ? 0 : ISW_ETH_LEN) + ISW_IP6_LEN + 8 + ISW_PAYLOAD_LEN);
		for (uint32_t k = 0; k < lens[0]; k++)
			sprintf(hex + 2 * k, "%02x", f4[k]);
		snprintf(want, sizeof(want),
		         "198.18.1.7 probe=2 id=0x%02x%02x seq=0x%02x%02x len=%u frame=%s\n",
		         ip4[24], ip4[25], ip4[26], ip4[27], lens[0], hex);
		for (uint32_t k = 0; k < lens[1]; k++)
			sprintf(hex + 2 * k, "%02x", f6[k]);
		snprintf(want + strlen(want), sizeof(want) - strlen(want),
		         "2001:db8:2a::1 probe=3 id=0x%02x%02x seq=0x%02x%02x len=%u frame=%s\n",
		         ip6[44], ip6[45], ip6[46], ip6[47], lens[1], hex);
		assert_string_equal(buf, want);
		free(buf);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_find),
	    cmocka_unit_test(test_raw_ip_refused),
	    cmocka_unit_test(test_auto_explains),
	    cmocka_unit_test(test_open_named),
	    cmocka_unit_test(test_dry_run_lists_both_families),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
