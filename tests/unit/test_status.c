/* SPDX-License-Identifier: BSD-2-Clause */
/* Unit tests for tools/status.c: the status line and the path-health messages. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "icmpsweep/config.h"
#include "status.h"

static char *text;
static size_t text_len;

static FILE *open_text(void)
{
	free(text);
	text = NULL;
	return open_memstream(&text, &text_len);
}

static void init(struct status *st)
{
	struct isw_config cfg;

	isw_config_init(&cfg);
	status_init(st, &cfg);
	snprintf(st->route.iface, sizeof(st->route.iface), "eth9");
	st->route.next_hop = 0xc0000202u;
}

static void test_line_shows_send_errors(void **state)
{
	struct isw_scan_stats s = {
	    .targets = 100, .sent = 40, .done = 50, .pass = 1, .elapsed_s = 1, .sending = 1};
	struct status st;
	FILE *fp;

	init(&st);
	fp = open_text();
	status_print(&st, fp, &s);
	fclose(fp);
	assert_null(strstr(text, "send errors"));
	s.send_errors = 10;
	s.carrier_down = 1;
	s.elapsed_s = 2;
	fp = open_text();
	status_print(&st, fp, &s);
	fclose(fp);
	assert_non_null(strstr(text, "; send errors 10; "));
	assert_non_null(strstr(text, "no carrier: paused"));
}

static void test_health_told_once(void **state)
{
	struct isw_scan_stats s = {.elapsed_s = 1.5, .sending = 1};
	struct status st;
	FILE *fp;

	init(&st);
	s.carrier_losses = 1;
	s.carrier_down = 1;
	s.send_errors = 3;
	s.send_errno = 105; /* ENOBUFS */
	s.path_faults = ISW_FAULT_CARRIER;
	fp = open_text();
	status_health(&st, fp, &s);
	status_health(&st, fp, &s); /* nothing new: nothing said */
	fclose(fp);
	assert_non_null(strstr(text, "warning: eth9 lost carrier at 1.5 s: sending paused\n"));
	assert_non_null(strstr(text, "warning: sending on eth9 fails: No buffer space available"));
	assert_int_equal(strstr(strstr(text, "lost carrier") + 1, "lost carrier"), NULL);
	s.carrier_down = 0;
	s.carrier_down_s = 3.0;
	s.path_faults |= ISW_FAULT_NEIGH_MOVED;
	s.next_hop_mac_now[5] = 0x42;
	fp = open_text();
	status_health(&st, fp, &s);
	fclose(fp);
	assert_non_null(strstr(text, "eth9 has carrier again (3.0 s without)"));
	assert_non_null(strstr(text, "next hop 192.0.2.2 on eth9 is now at 00:00:00:00:00:42"));
}

static void test_final_verdict(void **state)
{
	struct isw_scan_stats s = {0};
	struct status st;
	FILE *fp;

	init(&st);
	/* Every failed probe was sent again after the outage: not a failure. */
	s.send_errors = s.send_errors_resent = 7;
	s.carrier_losses = 1;
	s.resent = 900;
	s.path_faults = ISW_FAULT_CARRIER | ISW_FAULT_ANSWERS_STOPPED;
	fp = open_text();
	assert_int_equal(status_health_final(&st, fp, &s, 0), 0);
	fclose(fp);
	assert_non_null(strstr(text, "path: 7 send errors (7 of them sent again), carrier lost 1 "
	                             "times (0.0 s), 900 probes sent again"));
	assert_null(strstr(text, "error:"));
	/* Some were not: failed, with the number and the reason. */
	s.send_errors = 9;
	s.send_errno = 100; /* ENETDOWN */
	fp = open_text();
	assert_int_equal(status_health_final(&st, fp, &s, 1), 1);
	fclose(fp);
	assert_non_null(strstr(text, "error: 2 probes were not sent on eth9 (Network is down)"));
	assert_null(strstr(text, "path:")); /* quiet */
	/* A lost next hop fails the run. */
	s.send_errors = 0;
	s.path_faults = ISW_FAULT_NEIGH_FAILED;
	fp = open_text();
	assert_int_equal(status_health_final(&st, fp, &s, 1), 1);
	fclose(fp);
	assert_non_null(strstr(text, "the path through next hop 192.0.2.2 was lost"));
	/* The interface gone says it all: no separate capture error. */
	s.path_faults = ISW_FAULT_LINK_GONE | ISW_FAULT_CAPTURE;
	fp = open_text();
	assert_int_equal(status_health_final(&st, fp, &s, 1), 1);
	fclose(fp);
	assert_non_null(strstr(text, "interface eth9 disappeared"));
	assert_null(strstr(text, "capture"));
	free(text);
	text = NULL;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_line_shows_send_errors),
	    cmocka_unit_test(test_health_told_once),
	    cmocka_unit_test(test_final_verdict),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
