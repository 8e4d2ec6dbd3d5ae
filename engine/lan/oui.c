/* SPDX-License-Identifier: BSD-2-Clause */
/* MAC vendor lookups from the IEEE OUI registry (oui.h). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oui.h"

struct oui_entry {
	uint32_t prefix; /* the first three bytes of a MAC */
	char *vendor;
};

struct isw_oui {
	struct oui_entry *e;
	size_t n;
};

static int cmp_entry(const void *a, const void *b)
{
	uint32_t x = ((const struct oui_entry *)a)->prefix,
	         y = ((const struct oui_entry *)b)->prefix;
	return x < y ? -1 : x > y;
}

/* Lines of interest look like "00-22-72   (hex)\t\tAmerican Micro-Fuel Device Corp." */
static int parse_line(const char *line, uint32_t *prefix, const char **vendor)
{
	unsigned b[3];
	const char *p;

	if (sscanf(line, "%2x-%2x-%2x", &b[0], &b[1], &b[2]) != 3 || line[2] != '-' ||
	    line[5] != '-')
		return 0;
	p = strstr(line, "(hex)");
	if (!p)
		return 0;
	p += 5;
	while (*p == ' ' || *p == '\t')
		p++;
	if (!*p || *p == '\n' || *p == '\r')
		return 0;
	*prefix = b[0] << 16 | b[1] << 8 | b[2];
	*vendor = p;
	return 1;
}

struct isw_oui *isw_oui_load(const char *path)
{
	FILE *fp = fopen(path ? path : ISW_OUI_DEFAULT_PATH, "r");
	struct isw_oui *o;
	char *line = NULL;
	size_t cap = 0, alloc = 0;

	if (!fp)
		return NULL;
	o = calloc(1, sizeof(*o));
	if (!o) {
		fclose(fp);
		return NULL;
	}
	while (getline(&line, &cap, fp) > 0) {
		uint32_t prefix;
		const char *vendor;
		size_t len;

		if (!parse_line(line, &prefix, &vendor))
			continue;
		if (o->n == alloc) {
			size_t na = alloc ? alloc * 2 : 32768;
			struct oui_entry *ne = realloc(o->e, na * sizeof(*ne));
			if (!ne)
				break;
			o->e = ne;
			alloc = na;
		}
		len = strcspn(vendor, "\r\n");
		while (len && isspace((unsigned char)vendor[len - 1]))
			len--;
		o->e[o->n].prefix = prefix;
		o->e[o->n].vendor = strndup(vendor, len);
		if (!o->e[o->n].vendor)
			break;
		o->n++;
	}
	free(line);
	fclose(fp);
	qsort(o->e, o->n, sizeof(*o->e), cmp_entry);
	return o;
}

const char *isw_oui_vendor(const struct isw_oui *o, const uint8_t mac[6])
{
	struct oui_entry key = {.prefix = (uint32_t)mac[0] << 16 | mac[1] << 8 | mac[2]};
	const struct oui_entry *e;

	if (!o)
		return NULL;
	e = bsearch(&key, o->e, o->n, sizeof(*o->e), cmp_entry);
	return e ? e->vendor : NULL;
}

void isw_oui_free(struct isw_oui *o)
{
	if (!o)
		return;
	for (size_t i = 0; i < o->n; i++)
		free(o->e[i].vendor);
	free(o->e);
	free(o);
}
