/* SPDX-License-Identifier: BSD-2-Clause */
/* tools/hilbert.c, hilbert-map.c, viridis.c and map-render.c: the curve (round trips,
 * locality, squares), the view and cells chosen for spans from a /32 to 0.0.0.0/0, the
 * counts results add, the colours, and the PNG (its size, cell colours, write errors). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <cairo.h>

#include "hilbert-map.h"
#include "hilbert.h"
#include "icmpsweep/error.h"
#include "viridis.h"

static void test_round_trip(void **state)
{
	(void)state;
	for (unsigned order = 0; order <= 8; order++) {
		uint32_t n = UINT32_C(1) << 2 * order, side = UINT32_C(1) << order;
		unsigned char *seen = calloc(n, 1);

		assert_non_null(seen);
		for (uint32_t d = 0; d < n; d++) {
			uint32_t x, y;

			hilbert_d2xy(order, d, &x, &y);
			assert_true(x < side && y < side);
			assert_int_equal(hilbert_xy2d(order, x, y), d);
			assert_false(seen[y * side + x]); /* a bijection: each cell once */
			seen[y * side + x] = 1;
		}
		free(seen);
	}
	/* The largest order, sampled. */
	for (uint32_t d = 0; d < 0xffffffffu - 65537; d += 65537) {
		uint32_t x, y;

		hilbert_d2xy(16, d, &x, &y);
		assert_int_equal(hilbert_xy2d(16, x, y), d);
	}
}

static void test_locality(void **state)
{
	(void)state;
	for (unsigned order = 1; order <= 8; order++) {
		uint32_t n = UINT32_C(1) << 2 * order, px, py, x, y;

		hilbert_d2xy(order, 0, &px, &py);
		assert_int_equal(px, 0);
		assert_int_equal(py, 0);
		for (uint32_t d = 1; d < n; d++) {
			hilbert_d2xy(order, d, &x, &y);
			/* Consecutive positions are neighbours: one step, never diagonal. */
			assert_int_equal((x > px ? x - px : px - x) + (y > py ? y - py : py - y),
			                 1);
			px = x;
			py = y;
		}
		assert_int_equal(px, (UINT32_C(1) << order) - 1);
		assert_int_equal(py, 0);
	}
	/* An aligned run of 4^k positions fills a square of side 2^k. */
	for (uint32_t start = 0; start < 1u << 16; start += 256) {
		uint32_t minx = UINT32_MAX, miny = UINT32_MAX, maxx = 0, maxy = 0, x, y;

		for (uint32_t d = start; d < start + 256; d++) {
			hilbert_d2xy(8, d, &x, &y);
			minx = x < minx ? x : minx;
			miny = y < miny ? y : miny;
			maxx = x > maxx ? x : maxx;
			maxy = y > maxy ? y : maxy;
		}
		assert_int_equal(maxx - minx, 15);
		assert_int_equal(maxy - miny, 15);
		assert_int_equal(minx % 16, 0);
		assert_int_equal(miny % 16, 0);
	}
}

static isw_targets *targets_of(const char *spec, const char *exclude)
{
	char err[ISW_ERRBUF_SIZE];
	isw_targets *t;

	assert_int_equal(isw_targets_new(&t), 0);
	assert_int_equal(isw_targets_add(t, spec, 0, err), 0);
	if (exclude)
		assert_int_equal(isw_targets_add(t, exclude, 1, err), 0);
	assert_int_equal(isw_targets_finalize(t, err), 0);
	return t;
}

static void check_view(const char *spec, uint32_t base, unsigned prefix, unsigned cell_bits,
                       unsigned order, uint64_t swept)
{
	char err[ISW_ERRBUF_SIZE];
	struct map_options opt = {.by = MAP_BY_ALIVE};
	isw_targets *t = targets_of(spec, NULL);
	struct map_geometry g;
	hilbert_map *m;

	assert_int_equal(map_new(&m, t, &opt, err), 0);
	map_get_geometry(m, &g);
	assert_int_equal(g.base, base);
	assert_int_equal(g.prefix, prefix);
	assert_int_equal(g.cell_bits, cell_bits);
	assert_int_equal(g.order, order);
	assert_int_equal(map_swept_total(m), swept);
	map_free(m);
	isw_targets_free(t);
}

static void test_views(void **state)
{
	(void)state;
	/* One address per cell up to a /16; an odd span rounds up to the next even prefix. */
	check_view("198.18.0.7", 0xc6120007, 32, 0, 0, 1);
	check_view("198.18.0.0/24", 0xc6120000, 24, 0, 4, 256);
	check_view("198.18.0.0/23", 0xc6120000, 22, 0, 5, 512);
	check_view("198.18.0.0/16", 0xc6120000, 16, 0, 8, 65536);
	check_view("198.18.1.0-198.18.2.255", 0xc6120000, 22, 0, 5, 512);
	/* Beyond, 256 x 256 cells of larger blocks: a /15 is seen as a /14 per 4 addresses, a
	 * /8 per /24, the whole space (less 0/8 and 224/3) per /16. */
	check_view("198.18.0.0/15", 0xc6100000, 14, 2, 8, 131072);
	check_view("10.0.0.0/8", 0x0a000000, 8, 8, 8, 1u << 24);
	check_view("0.0.0.0/0", 0, 0, 16, 8, 223ull << 24 /* 1.0.0.0 .. 223.255.255.255 */);
}

static struct isw_result reply(uint32_t addr, double rtt)
{
	struct isw_result r = {
	    .addr = isw_addr_from_v4(addr), .type = ISW_RESULT_ECHO_REPLY, .rtt_ms = rtt};
	return r;
}

static void test_counts_and_colours(void **state)
{
	char err[ISW_ERRBUF_SIZE];
	struct map_options opt = {.by = MAP_BY_ALIVE};
	/* A /8 per /24, one /24 of it excluded. */
	isw_targets *t = targets_of("10.0.0.0/8", "10.0.1.0/24");
	struct isw_result r;
	struct map_cell c;
	hilbert_map *m;

	(void)state;
	assert_int_equal(map_new(&m, t, &opt, err), 0);
	/* 10.0.0.0/24: 64 of 256 alive.  ICMP errors and non-targets do not count. */
	for (uint32_t i = 0; i < 64; i++) {
		r = reply(0x0a000000 + i * 4, 1.0);
		assert_int_equal(map_put(m, &r), 0);
	}
	r = reply(0x0a000001, 1.0);
	r.type = ISW_RESULT_UNREACHABLE;
	map_put(m, &r);
	r = reply(0x0a000105, 1.0); /* excluded */
	map_put(m, &r);
	r = reply(0x0b000000, 1.0); /* outside the view */
	map_put(m, &r);
	r = reply(0x0a0002ff, -1); /* ARP-only hosts are alive too */
	r.type = ISW_RESULT_ARP_ONLY;
	map_put(m, &r);
	assert_int_equal(map_alive_total(m), 65);
	assert_int_equal(map_swept_total(m), (1u << 24) - 256);

	map_get_cell(m, 0, &c);
	assert_int_equal(c.swept, 256);
	assert_int_equal(c.alive, 64);
	assert_int_equal(map_cell_rgb(m, &c, 0.1, 1), viridis_rgb(0.25));
	map_get_cell(m, 1, &c);
	assert_int_equal(c.swept, 0);
	assert_int_equal(map_cell_rgb(m, &c, 0.1, 1), MAP_RGB_NOT_SWEPT);
	map_get_cell(m, 2, &c);
	assert_int_equal(c.alive, 1);
	map_get_cell(m, 3, &c);
	assert_int_equal(c.swept, 256);
	assert_int_equal(c.alive, 0);
	assert_int_equal(map_cell_rgb(m, &c, 0.1, 1), MAP_RGB_NONE);
	map_free(m);
	isw_targets_free(t);

	/* The fixed scale: not swept and none alive are distinct from each other and from every
	 * share; the share runs from viridis' dark end to its bright end. */
	assert_int_not_equal(MAP_RGB_NOT_SWEPT, MAP_RGB_NONE);
	for (uint32_t a = 1; a <= 256; a++) {
		assert_int_not_equal(map_share_rgb(256, a), MAP_RGB_NONE);
		assert_int_not_equal(map_share_rgb(256, a), MAP_RGB_NOT_SWEPT);
	}
	assert_int_equal(map_share_rgb(0, 0), MAP_RGB_NOT_SWEPT);
	assert_int_equal(map_share_rgb(256, 0), MAP_RGB_NONE);
	assert_int_equal(map_share_rgb(1, 1), 0xfde725);
	assert_int_equal(viridis_rgb(0), 0x440154);
	assert_int_equal(viridis_rgb(0.5), 0x21908c);
	assert_int_equal(map_rtt_rgb(0.1, 0.1, 10), 0x440154);
	assert_int_equal(map_rtt_rgb(1, 0.1, 10), 0x21908c);
	assert_int_equal(map_rtt_rgb(10, 0.1, 10), 0xfde725);
}

static void test_rtt_median(void **state)
{
	char err[ISW_ERRBUF_SIZE];
	struct map_options opt = {.by = MAP_BY_RTT};
	isw_targets *t = targets_of("10.0.0.0/8", NULL);
	struct isw_result r;
	struct map_cell c;
	double lo, hi;
	hilbert_map *m;

	(void)state;
	assert_int_equal(map_new(&m, t, &opt, err), 0);
	assert_int_equal(map_rtt_range(m, &lo, &hi), 0);
	/* Cell 0: 3 at 2 ms, 2 at 50 ms: the median is 2 ms (within a half octave). */
	for (int i = 0; i < 5; i++) {
		r = reply(0x0a000000 + i, i < 3 ? 2.0 : 50.0);
		map_put(m, &r);
	}
	r = reply(0x0a000100, 300.0); /* cell 1 */
	map_put(m, &r);
	map_get_cell(m, 0, &c);
	assert_int_equal(c.alive, 5);
	assert_true(c.rtt_ms > 2.0 / 1.42 && c.rtt_ms < 2.0 * 1.42);
	map_get_cell(m, 1, &c);
	assert_true(c.rtt_ms > 300 / 1.42 && c.rtt_ms < 300 * 1.42);
	map_get_cell(m, 2, &c);
	assert_true(c.rtt_ms < 0);
	assert_int_equal(map_cell_rgb(m, &c, 1, 1000), MAP_RGB_NONE);
	/* Whole decades around every median. */
	assert_int_equal(map_rtt_range(m, &lo, &hi), 1);
	assert_true(lo == 1.0);
	assert_true(hi == 1000.0);
	map_free(m);
	isw_targets_free(t);
}

/* The PNG as the e2e test reads it: size, and a cell's colour at its centre. */
static uint32_t png_pixel(cairo_surface_t *s, uint32_t px, uint32_t py)
{
	unsigned char *data = cairo_image_surface_get_data(s);
	int stride = cairo_image_surface_get_stride(s);

	return ((uint32_t *)(data + (size_t)py * stride))[px] & 0xffffff;
}

static void test_png(void **state)
{
	char err[ISW_ERRBUF_SIZE], path[] = "/tmp/isw-map-test-XXXXXX";
	struct map_options opt = {.by = MAP_BY_ALIVE};
	isw_targets *t = targets_of("198.18.0.0/16", "198.18.255.0/24");
	struct isw_result r = reply(0xc6120a80, 1.0);
	struct map_geometry g;
	cairo_surface_t *s;
	hilbert_map *m;
	uint32_t x, y, zoom;
	int fd;

	(void)state;
	assert_int_equal(map_new(&m, t, &opt, err), 0);
	map_put(m, &r);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(map_save_png(m, path, err), 0);
	s = cairo_image_surface_create_from_png(path);
	assert_int_equal(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
	assert_int_equal(cairo_image_surface_get_width(s), MAP_IMAGE_SIDE);
	assert_int_equal(cairo_image_surface_get_height(s), MAP_IMAGE_SIDE);
	map_get_geometry(m, &g);
	zoom = MAP_AREA_SIDE >> g.order;
	assert_int_equal(zoom, 3);
	hilbert_d2xy(g.order, 0x0a80, &x, &y); /* alive */
	assert_int_equal(png_pixel(s, MAP_AREA_X + x * zoom + 1, MAP_AREA_Y + y * zoom + 1),
	                 0xfde725);
	hilbert_d2xy(g.order, 0x0a81, &x, &y); /* swept, silent */
	assert_int_equal(png_pixel(s, MAP_AREA_X + x * zoom + 1, MAP_AREA_Y + y * zoom + 1),
	                 MAP_RGB_NONE);
	hilbert_d2xy(g.order, 0xffaa, &x, &y); /* excluded */
	assert_int_equal(png_pixel(s, MAP_AREA_X + x * zoom + 1, MAP_AREA_Y + y * zoom + 1),
	                 MAP_RGB_NOT_SWEPT);
	cairo_surface_destroy(s);
	unlink(path);

	/* A failed write names the file and the reason. */
	assert_int_equal(map_save_png(m, "/dev/full", err), -ENOSPC);
	assert_non_null(strstr(err, "'/dev/full'"));
	assert_non_null(strstr(err, strerror(ENOSPC)));
	assert_true(map_save_png(m, "/nonexistent-dir/map.png", err) < 0);
	assert_non_null(strstr(err, "'/nonexistent-dir/map.png'"));
	if (getenv("ISW_MAP_KEEP")) /* to look at: ISW_MAP_KEEP=file.png */
		assert_int_equal(map_save_png(m, getenv("ISW_MAP_KEEP"), err), 0);
	map_free(m);
	isw_targets_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_round_trip), cmocka_unit_test(test_locality),
	    cmocka_unit_test(test_views),      cmocka_unit_test(test_counts_and_colours),
	    cmocka_unit_test(test_rtt_median), cmocka_unit_test(test_png),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
