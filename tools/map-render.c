/* SPDX-License-Identifier: BSD-2-Clause */
/* --map's drawing: the cells painted into a cairo image, the prefix grid and labels, the
 * title, the legend and the scale on top, written as PNG.  Layout in hilbert-map.h. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <cairo.h>

#include "hilbert-map.h"
#include "hilbert.h"
#include "icmpsweep/error.h"
#include "viridis.h"

#define FONT "DejaVu Sans"

static void set_rgb(cairo_t *cr, uint32_t rgb)
{
	cairo_set_source_rgb(cr, (rgb >> 16 & 0xff) / 255.0, (rgb >> 8 & 0xff) / 255.0,
	                     (rgb & 0xff) / 255.0);
}

/* Straight into the image's pixels: up to 65536 cells, each a square of whole pixels. */
static void paint_cells(const hilbert_map *m, cairo_surface_t *s, double lo, double hi)
{
	struct map_geometry g;
	struct map_cell c;
	unsigned char *data;
	int stride;

	map_get_geometry(m, &g);
	const uint32_t zoom = MAP_AREA_SIDE >> g.order, ncells = UINT32_C(1) << (2 * g.order);
	cairo_surface_flush(s);
	data = cairo_image_surface_get_data(s);
	stride = cairo_image_surface_get_stride(s);
	for (uint32_t d = 0; d < ncells; d++) {
		uint32_t x, y, rgb;

		hilbert_d2xy(g.order, d, &x, &y);
		map_get_cell(m, d, &c);
		rgb = map_cell_rgb(m, &c, lo, hi);
		for (uint32_t row = 0; row < zoom; row++) {
			uint32_t *px =
			    (uint32_t *)(data + (size_t)(MAP_AREA_Y + y * zoom + row) * stride) +
			    MAP_AREA_X + x * zoom;
			for (uint32_t col = 0; col < zoom; col++)
				px[col] = rgb;
		}
	}
	cairo_surface_mark_dirty(s);
}

/* Text in white with a dark outline: readable over every colour of the map. */
static void outlined_text(cairo_t *cr, double x, double y, const char *text)
{
	cairo_move_to(cr, x, y);
	cairo_text_path(cr, text);
	cairo_set_source_rgba(cr, 0, 0, 0, 0.75);
	cairo_set_line_width(cr, 2.5);
	cairo_stroke_preserve(cr);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_fill(cr);
}

/* The blocks of the view split k times in four: each an aligned prefix 2k bits longer and a
 * square on the curve.  Their boundaries drawn, and those holding swept addresses labelled
 * where the label fits inside: the whole prefix (full), or only the octet that tells
 * neighbours apart. */
static void draw_blocks(cairo_t *cr, const hilbert_map *m, unsigned k, int full, double alpha,
                        double font)
{
	struct map_geometry g;
	struct map_cell c;

	map_get_geometry(m, &g);
	const unsigned len = g.prefix + 2 * k, shift = 2 * (g.order - k);
	const double side = (double)(MAP_AREA_SIDE >> k);

	cairo_set_source_rgba(cr, 1, 1, 1, alpha);
	cairo_set_line_width(cr, 1);
	for (unsigned i = 1; i < 1u << k; i++) {
		cairo_move_to(cr, MAP_AREA_X + i * side + 0.5, MAP_AREA_Y);
		cairo_line_to(cr, MAP_AREA_X + i * side + 0.5, MAP_AREA_Y + MAP_AREA_SIDE);
		cairo_move_to(cr, MAP_AREA_X, MAP_AREA_Y + i * side + 0.5);
		cairo_line_to(cr, MAP_AREA_X + MAP_AREA_SIDE, MAP_AREA_Y + i * side + 0.5);
	}
	cairo_stroke(cr);
	cairo_select_font_face(cr, FONT, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
	cairo_set_font_size(cr, font);
	for (uint32_t j = 0; j < UINT32_C(1) << 2 * k; j++) {
		uint32_t d0 = j << shift, x, y, addr;
		uint64_t swept = 0;
		char text[ISW_ADDR_STRLEN + 4], a[ISW_ADDR_STRLEN];
		cairo_text_extents_t ext;

		for (uint32_t d = d0; d < d0 + (UINT32_C(1) << shift); d++) {
			map_get_cell(m, d, &c);
			swept += c.swept;
		}
		if (!swept)
			continue;
		addr = g.base + (uint32_t)((uint64_t)d0 << g.cell_bits);
		if (full)
			snprintf(text, sizeof(text), "%s/%u", isw_addr_str(addr, a), len);
		else
			snprintf(text, sizeof(text), "%u",
			         addr >> (24 - 8 * ((len - 1) / 8)) & 0xff);
		cairo_text_extents(cr, text, &ext);
		if (ext.width + 6 > side || ext.height + 6 > side)
			continue;
		hilbert_d2xy(g.order, d0, &x, &y);
		x >>= g.order - k;
		y >>= g.order - k;
		/* The prefixes top left, the octets bottom right: the two levels never meet. */
		if (full)
			outlined_text(cr, MAP_AREA_X + x * side + 3 - ext.x_bearing,
			              MAP_AREA_Y + y * side + 3 - ext.y_bearing, text);
		else
			outlined_text(
			    cr, MAP_AREA_X + (x + 1) * side - 3 - ext.width - ext.x_bearing,
			    MAP_AREA_Y + (y + 1) * side - 3 - ext.height - ext.y_bearing, text);
	}
}

static void text_at(cairo_t *cr, double x, double y, double size, int bold, const char *text)
{
	cairo_select_font_face(cr, FONT, CAIRO_FONT_SLANT_NORMAL,
	                       bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
	cairo_set_font_size(cr, size);
	set_rgb(cr, 0x202020);
	cairo_move_to(cr, x, y);
	cairo_show_text(cr, text);
}

static void swatch(cairo_t *cr, double x, double y, uint32_t rgb, const char *label)
{
	set_rgb(cr, rgb);
	cairo_rectangle(cr, x, y, 20, 20);
	cairo_fill_preserve(cr);
	set_rgb(cr, 0x606060);
	cairo_set_line_width(cr, 1);
	cairo_stroke(cr);
	text_at(cr, x + 28, y + 15, 13, 0, label);
}

#define BAR_X 128
#define BAR_Y 866
#define BAR_W 480
#define BAR_H 20

/* The colour bar with its ticks: t in [0, 1] along it, labels where the caller says. */
static void bar(cairo_t *cr, const char *title)
{
	text_at(cr, BAR_X, BAR_Y - 8, 14, 1, title);
	for (int i = 0; i < BAR_W; i++) {
		set_rgb(cr, viridis_rgb((i + 0.5) / BAR_W));
		cairo_rectangle(cr, BAR_X + i, BAR_Y, 1, BAR_H);
		cairo_fill(cr);
	}
	set_rgb(cr, 0x606060);
	cairo_set_line_width(cr, 1);
	cairo_rectangle(cr, BAR_X - 0.5, BAR_Y - 0.5, BAR_W + 1, BAR_H + 1);
	cairo_stroke(cr);
}

static void tick(cairo_t *cr, double t, const char *label)
{
	double x = BAR_X + t * BAR_W;
	cairo_text_extents_t ext;

	set_rgb(cr, 0x202020);
	cairo_move_to(cr, x, BAR_Y + BAR_H);
	cairo_line_to(cr, x, BAR_Y + BAR_H + 5);
	cairo_stroke(cr);
	cairo_select_font_face(cr, FONT, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
	cairo_set_font_size(cr, 12);
	cairo_text_extents(cr, label, &ext);
	cairo_move_to(cr, x - ext.width / 2 - ext.x_bearing, BAR_Y + BAR_H + 19);
	cairo_show_text(cr, label);
}

static void legend(cairo_t *cr, const hilbert_map *m, double lo, double hi)
{
	char label[64];

	if (map_get_by(m) == MAP_BY_ALIVE) {
		bar(cr, "share of the swept addresses that answered");
		for (int q = 0; q <= 4; q++) {
			snprintf(label, sizeof(label), "%d%%", 25 * q);
			tick(cr, q / 4.0, label);
		}
	} else {
		bar(cr, "median round-trip time of the live hosts (log scale)");
		/* 1, 2 and 5 of every decade, the decades always labelled. */
		for (double dec = lo; dec < hi * 1.001; dec *= 10)
			for (int f = 1; f <= 5; f += f == 1 ? 1 : 3) {
				double v = dec * f,
				       t = (log10(v) - log10(lo)) / (log10(hi) - log10(lo));

				if (t > 1.0001 || (f > 1 && hi / lo > 1000))
					continue;
				snprintf(label, sizeof(label), "%g ms", v);
				tick(cr, t, label);
			}
	}
	swatch(cr, 660, BAR_Y - 26, MAP_RGB_NONE, "swept, none alive");
	swatch(cr, 660, BAR_Y + 4, MAP_RGB_NOT_SWEPT, "not swept");
	if (map_get_by(m) == MAP_BY_RTT)
		swatch(cr, 660, BAR_Y + 34, MAP_RGB_NO_RTT, "alive, RTT unknown");
}

/* What one cell is, and what the lines are. */
static void scale(cairo_t *cr, const hilbert_map *m, unsigned k_full, unsigned k_short)
{
	struct map_geometry g;
	char line[256], per[64];

	map_get_geometry(m, &g);
	const unsigned zoom = MAP_AREA_SIDE >> g.order;
	if (!g.cell_bits)
		snprintf(per, sizeof(per), "1 address");
	else
		snprintf(per, sizeof(per), "a /%u (%llu addresses)", 32 - g.cell_bits,
		         1ULL << g.cell_bits);
	snprintf(line, sizeof(line),
	         "scale: one square of %u x %u pixels = %s, in Hilbert curve order from the "
	         "top left",
	         zoom, zoom, per);
	text_at(cr, BAR_X, 944, 13, 0, line);
	if (k_full && k_short)
		snprintf(line, sizeof(line),
		         "lines: /%u blocks (labelled with the prefix), /%u blocks (labelled with "
		         "octet %u)",
		         g.prefix + 2 * k_full, g.prefix + 2 * k_short,
		         (g.prefix + 2 * k_short - 1) / 8 + 1);
	else if (k_full)
		snprintf(line, sizeof(line), "lines: /%u blocks (labelled with the prefix)",
		         g.prefix + 2 * k_full);
	else
		line[0] = 0;
	text_at(cr, BAR_X, 966, 13, 0, line);
}

static void title(cairo_t *cr, const hilbert_map *m)
{
	struct map_geometry g;
	char line[256], a[ISW_ADDR_STRLEN];
	uint64_t swept = map_swept_total(m), alive = map_alive_total(m);

	map_get_geometry(m, &g);
	snprintf(line, sizeof(line), "icmpsweep map of %s/%u: %s", isw_addr_str(g.base, a),
	         g.prefix, map_get_by(m) == MAP_BY_ALIVE ? "live hosts" : "round-trip times");
	text_at(cr, MAP_AREA_X, 30, 20, 1, line);
	snprintf(line, sizeof(line), "%llu addresses swept, %llu alive (%.3g%%)",
	         (unsigned long long)swept, (unsigned long long)alive,
	         swept ? 100.0 * (double)alive / (double)swept : 0.0);
	text_at(cr, MAP_AREA_X, 52, 14, 0, line);
}

struct png_sink {
	FILE *fp;
	int err;
};

static cairo_status_t png_write(void *closure, const unsigned char *data, unsigned int len)
{
	struct png_sink *ps = closure;

	errno = 0;
	if (fwrite(data, 1, len, ps->fp) != len) {
		ps->err = errno ? errno : EIO;
		return CAIRO_STATUS_WRITE_ERROR;
	}
	return CAIRO_STATUS_SUCCESS;
}

static cairo_surface_t *render(const hilbert_map *m)
{
	cairo_surface_t *s =
	    cairo_image_surface_create(CAIRO_FORMAT_RGB24, MAP_IMAGE_SIDE, MAP_IMAGE_SIDE);
	struct map_geometry g;
	double lo = 0.1, hi = 1;
	unsigned k_full, k_short;
	cairo_t *cr;

	if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS)
		return s;
	map_get_geometry(m, &g);
	if (map_get_by(m) == MAP_BY_RTT)
		map_rtt_range(m, &lo, &hi);
	cr = cairo_create(s);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	paint_cells(m, s, lo, hi);
	/* Two levels of prefixes: 16 blocks with their prefix, 256 with their octet. */
	k_full = g.order < 2 ? g.order : 2;
	k_short = g.order >= 4 ? 4 : 0;
	if (k_short)
		draw_blocks(cr, m, k_short, 0, 0.3, 12);
	if (k_full)
		draw_blocks(cr, m, k_full, 1, 0.8, 13);
	set_rgb(cr, 0x404040);
	cairo_set_line_width(cr, 1);
	cairo_rectangle(cr, MAP_AREA_X - 0.5, MAP_AREA_Y - 0.5, MAP_AREA_SIDE + 1,
	                MAP_AREA_SIDE + 1);
	cairo_stroke(cr);
	title(cr, m);
	legend(cr, m, lo, hi);
	scale(cr, m, k_full, k_short);
	cairo_destroy(cr);
	cairo_surface_flush(s);
	return s;
}

int map_write_png(const hilbert_map *m, FILE *fp, const char *name, char *errbuf)
{
	cairo_surface_t *s = render(m);
	struct png_sink ps = {.fp = fp};
	cairo_status_t st = cairo_surface_status(s);

	if (st == CAIRO_STATUS_SUCCESS)
		st = cairo_surface_write_to_png_stream(s, png_write, &ps);
	cairo_surface_destroy(s);
	errno = 0;
	if (fclose(fp) != 0 && !ps.err && st == CAIRO_STATUS_SUCCESS)
		ps.err = errno ? errno : EIO;
	if (ps.err) {
		snprintf(errbuf, ISW_ERRBUF_SIZE, "writing the map to %s: %s", name,
		         strerror(ps.err));
		return -ps.err;
	}
	if (st != CAIRO_STATUS_SUCCESS) {
		snprintf(errbuf, ISW_ERRBUF_SIZE, "drawing the map for %s: %s", name,
		         cairo_status_to_string(st));
		return st == CAIRO_STATUS_NO_MEMORY ? -ENOMEM : -EIO;
	}
	return 0;
}

int map_save_png(const hilbert_map *m, const char *path, char *errbuf)
{
	char name[ISW_ERRBUF_SIZE / 2];
	FILE *fp = fopen(path, "wb");

	snprintf(name, sizeof(name), "'%s'", path);
	if (!fp) {
		int rc = -errno;

		snprintf(errbuf, ISW_ERRBUF_SIZE, "cannot open map file %s: %s", name,
		         strerror(-rc));
		return rc;
	}
	return map_write_png(m, fp, name, errbuf);
}
