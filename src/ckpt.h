/* src/ckpt.h: the checkpoint blob, what resume and merge continue from.
 *
 * One self-checking byte string: a magic word, a generation number, the
 * chunks done (a bitmap over every chunk of the job), the sum of their
 * checksums, the rows they hold, and the merged statistics of pass 1
 * (es_statset_pack).  The store writes it into two slots in turn; a blob
 * torn by a crash fails its hash and the other slot is used.  Pure. */
#ifndef ES_CKPT_H
#define ES_CKPT_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint64_t generation;  /* 1, 2, ...: the newest valid blob wins */
    uint64_t fingerprint; /* of the job (es_job_fingerprint) */
    uint64_t nchunks;     /* chunks of the whole job */
    uint64_t checksum;    /* sum of the done chunks' checksums, mod 2^64 */
    uint64_t rows_done;
    const unsigned char *mask;  /* bit c (byte c/8, bit c%8): chunk c done */
    const unsigned char *stats; /* es_statset_pack bytes */
    uint64_t stats_len;
} es_ckpt;

size_t es_ckpt_size(uint64_t nchunks, uint64_t stats_len);
/* Write c into buf (es_ckpt_size bytes). */
void es_ckpt_write(unsigned char *buf, const es_ckpt *c);
/* Parse and check buf: 0 with c's pointers into buf, or -1 (not a blob, torn). */
int es_ckpt_read(const unsigned char *buf, size_t len, es_ckpt *c);

static inline int es_ckpt_done(const unsigned char *mask, uint64_t c)
{
    return (mask[c >> 3] >> (c & 7)) & 1;
}
static inline void es_ckpt_set(unsigned char *mask, uint64_t c)
{
    mask[c >> 3] = (unsigned char)(mask[c >> 3] | (1u << (c & 7)));
}

#endif
