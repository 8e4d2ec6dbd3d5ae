/* SPDX-License-Identifier: BSD-2-Clause */
/* --map: the swept address space drawn on a Hilbert curve, one cell per address up to a /16
 * and per larger aligned block beyond (at most 256 x 256 cells, e.g. per /24 for a /8 and
 * per /16 for 0.0.0.0/0), coloured by the share of live hosts in each cell or by their median
 * RTT, with a legend, the scale and the prefixes labelled.
 *
 * Use: map_new(targets) -> map_put(result) for every result (a sink_ctx consumer: O(1), no
 * allocation; one thread) -> map_save_png(path) at the end.  Memory is bounded by the number
 * of cells, never by the number of targets or results.  An offline `icmpsweep map` feeds the
 * results it reads to map_put the same way. */
#ifndef ISW_HILBERT_MAP_H
#define ISW_HILBERT_MAP_H

#include <stdint.h>
#include <stdio.h>

#include "icmpsweep/result.h"
#include "icmpsweep/targets.h"

enum map_by {
	MAP_BY_ALIVE = 0, /* share of live hosts among the swept addresses of a cell */
	MAP_BY_RTT,       /* median RTT of the live hosts of a cell */
};

struct map_options {
	enum map_by by;
};

typedef struct hilbert_map hilbert_map;

/* The view is the smallest aligned block of an even number of bits holding every target
 * (finalized set).  -ENOMEM or -EINVAL with a message. */
int map_new(hilbert_map **out, const isw_targets *targets, const struct map_options *opt,
            char *errbuf);
void map_free(hilbert_map *m);

/* A result (arg is the map).  Echo replies and ARP-only hosts count as alive; ICMP errors
 * and addresses that are not targets are ignored (the sweep reports an address once).
 * Always 0.  The targets given to map_new must outlive the map. */
int map_put(void *arg, const struct isw_result *r);

/* tools/map-render.c: the PNG (MAP_IMAGE_SIDE pixels square) to fp, which is closed either
 * way (name is the file for messages, e.g. "'map.png'"); or to a new file at path.  0, or a
 * negative errno with a message naming the file and the reason. */
int map_write_png(const hilbert_map *m, FILE *fp, const char *name, char *errbuf);
int map_save_png(const hilbert_map *m, const char *path, char *errbuf);

/* --- the model, for the renderer and the tests ------------------------------------------- */

/* Where the view lies in the image: cell (x, y) is the square of side MAP_AREA_SIDE >> order
 * at (MAP_AREA_X + x * that, MAP_AREA_Y + y * that). */
#define MAP_IMAGE_SIDE 1024
#define MAP_AREA_X     128
#define MAP_AREA_Y     64
#define MAP_AREA_SIDE  768
#define MAP_MAX_ORDER  8 /* 256 x 256 cells */

struct map_geometry {
	uint32_t base;      /* first address of the view */
	unsigned prefix;    /* the view is base/prefix, 32 - prefix even */
	unsigned cell_bits; /* a cell holds 2^cell_bits addresses */
	unsigned order;     /* the grid is 2^order cells a side */
};
void map_get_geometry(const hilbert_map *m, struct map_geometry *g);

/* Cell d (position on the curve, < 4^order): swept addresses, live ones, and the median RTT
 * of the live ones in ms (to within a half octave; negative when none is known). */
struct map_cell {
	uint32_t swept, alive;
	double rtt_ms;
};
void map_get_cell(const hilbert_map *m, uint32_t d, struct map_cell *c);

/* Totals over the view. */
uint64_t map_swept_total(const hilbert_map *m);
uint64_t map_alive_total(const hilbert_map *m);
/* IPv6 hosts up given to map_put: not drawn, the map being of IPv4 space. */
uint64_t map_left_out_v6(const hilbert_map *m);
enum map_by map_get_by(const hilbert_map *m);

/* The RTT scale: whole decades [*lo, *hi] (hi > lo) around every cell's median; 0 if no cell
 * has one (then 0.1 .. 1 ms). */
int map_rtt_range(const hilbert_map *m, double *lo, double *hi);

/* Colours (0xRRGGBB).  Not swept and swept-with-none-alive are greys outside viridis; a share
 * above 0 is viridis(share); an RTT is viridis of its place on the log scale [lo, hi]. */
#define MAP_RGB_NOT_SWEPT 0xdcdcdc
#define MAP_RGB_NONE      0x141414
#define MAP_RGB_NO_RTT    0x8c8c8c /* live, but no RTT known */
uint32_t map_share_rgb(uint32_t swept, uint32_t alive);
uint32_t map_rtt_rgb(double rtt_ms, double lo, double hi);
uint32_t map_cell_rgb(const hilbert_map *m, const struct map_cell *c, double lo, double hi);

#endif
