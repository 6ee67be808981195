/* src/ckpt.c: the checkpoint blob: 64 bytes of header, the mask, the stats.
 *
 *   0  "ESCKPT02"     8  hash of bytes 16.. (FNV-1a 64)   16 generation
 *   24 fingerprint    32 nchunks    40 checksum    48 rows_done   56 stats_len
 *   64 mask, (nchunks + 7) / 8 bytes; then stats_len bytes of statistics. */
#include "ckpt.h"

#include <string.h>

#include "stats.h"

static const char es_ckpt_magic[8] = {'E', 'S', 'C', 'K', 'P', 'T', '0', '2'};

static uint64_t es_ckpt_hash(const unsigned char *p, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

size_t es_ckpt_size(uint64_t nchunks, uint64_t stats_len)
{
    return 64 + (size_t)((nchunks + 7) / 8) + (size_t)stats_len;
}

void es_ckpt_write(unsigned char *buf, const es_ckpt *c)
{
    size_t mlen = (size_t)((c->nchunks + 7) / 8);
    memcpy(buf, es_ckpt_magic, 8);
    es_put_u64(buf + 16, c->generation);
    es_put_u64(buf + 24, c->fingerprint);
    es_put_u64(buf + 32, c->nchunks);
    es_put_u64(buf + 40, c->checksum);
    es_put_u64(buf + 48, c->rows_done);
    es_put_u64(buf + 56, c->stats_len);
    if (buf + 64 != c->mask) memmove(buf + 64, c->mask, mlen);
    if (buf + 64 + mlen != c->stats) memmove(buf + 64 + mlen, c->stats, (size_t)c->stats_len);
    size_t total = es_ckpt_size(c->nchunks, c->stats_len);
    es_put_u64(buf + 8, es_ckpt_hash(buf + 16, total - 16));
}

int es_ckpt_read(const unsigned char *buf, size_t len, es_ckpt *c)
{
    if (len < 64 || memcmp(buf, es_ckpt_magic, 8) != 0) return -1;
    c->generation = es_get_u64(buf + 16);
    c->fingerprint = es_get_u64(buf + 24);
    c->nchunks = es_get_u64(buf + 32);
    c->checksum = es_get_u64(buf + 40);
    c->rows_done = es_get_u64(buf + 48);
    c->stats_len = es_get_u64(buf + 56);
    if (c->nchunks > ((uint64_t)1 << 62) || c->stats_len > len) return -1;
    size_t total = es_ckpt_size(c->nchunks, c->stats_len);
    if (total > len) return -1;
    if (es_get_u64(buf + 8) != es_ckpt_hash(buf + 16, total - 16)) return -1;
    c->mask = buf + 64;
    c->stats = buf + 64 + (c->nchunks + 7) / 8;
    return 0;
}
