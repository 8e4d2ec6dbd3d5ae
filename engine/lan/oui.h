/* SPDX-License-Identifier: BSD-2-Clause */
/* MAC vendor names from the IEEE OUI registry that Debian ships (package ieee-data).  Loaded
 * once; when the file is missing, lookups simply find nothing. */
#ifndef ISW_OUI_H
#define ISW_OUI_H

#include <stdint.h>

#define ISW_OUI_DEFAULT_PATH "/usr/share/ieee-data/oui.txt"

struct isw_oui;

/* Returns NULL when the registry cannot be read (not an error: vendors stay empty). */
struct isw_oui *isw_oui_load(const char *path);
/* The vendor of mac, or NULL. */
const char *isw_oui_vendor(const struct isw_oui *o, const uint8_t mac[6]);
void isw_oui_free(struct isw_oui *o);

#endif
