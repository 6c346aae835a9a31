/* vsw-nft.h: Berth's own nftables tables, through libnftables (or in memory for the fake host).
 *
 * Two tables belong to Berth and nothing else touches them: "ip berth" (NAT: masquerade in
 * postrouting, forward accepts) and "bridge berth" (per-port filters in prerouting, forward,
 * input and output). Every rule carries a comment tag, "berth:sw:BRIDGE" or "berth:port:TAP",
 * so the rules of one switch or one port can be found and removed, also after a crash.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum {
    VSW_NFT_IP,     /* table ip berth */
    VSW_NFT_BRIDGE, /* table bridge berth */
} VswNftFamily;

/* One rule to add: @chain of the family's table, @rule in nft syntax without the comment. */
typedef struct {
    VswNftFamily family;
    const char *chain;
    char *rule;
} VswNftRule;

#define VSW_TYPE_NFT (vsw_nft_get_type())
G_DECLARE_FINAL_TYPE(VswNft, vsw_nft, VSW, NFT, GObject)

/* @kernel FALSE keeps the rules in memory (for the fake platform): same tags, same counts. */
VswNft *vsw_nft_new(gboolean kernel);

/* Creates both tables and their base chains when missing. */
gboolean vsw_nft_ensure(VswNft *self, GError **error);

/* Replaces the rules tagged @tag with @rules (of VswNftRule*), in one transaction: either all
 * of it happens or nothing does. An empty @rules only removes. */
gboolean vsw_nft_replace(VswNft *self, const char *tag, GPtrArray *rules, GError **error);

/* Removes the rules tagged @tag; none is fine. */
gboolean vsw_nft_remove(VswNft *self, const char *tag, GError **error);

/* The tags present, each once, sorted. */
GStrv vsw_nft_list_tags(VswNft *self, GError **error);

/* How many rules carry @tag, or, when @tag ends with '*', a tag starting with what comes
 * before. -1 when the tables cannot be read. */
int vsw_nft_count(VswNft *self, const char *tag);

/* Removes both tables (tests and "berthd --cleanup"). */
gboolean vsw_nft_drop_tables(VswNft *self, GError **error);

VswNftRule *vsw_nft_rule_new(VswNftFamily family, const char *chain, const char *format, ...)
    G_GNUC_PRINTF(3, 4);
void vsw_nft_rule_free(VswNftRule *rule);

G_END_DECLS
