/* SPDX-License-Identifier: BSD-2-Clause */
/* Unit tests for engine/tx/tx.c: the backend table, and "auto" choosing or explaining.  Opening a
 * real interface needs root and a lab (tests/e2e/tx_backends.sh); here only interfaces that
 * do not exist, and links without Ethernet, which every backend must refuse by itself. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "icmpsweep/error.h"
#include "icmpsweep/scan.h"
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

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_find),
	    cmocka_unit_test(test_raw_ip_refused),
	    cmocka_unit_test(test_auto_explains),
	    cmocka_unit_test(test_open_named),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
