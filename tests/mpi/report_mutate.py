#!/usr/bin/python3
"""tests/mpi/report_mutate.py SEED OUTDIR N [FIRST]: N damaged copies of the
file SEED, the same every time (a fixed seed): cut short at a random length,
bits flipped anywhere, bits flipped in the first 16 KiB (superblock, root
group, its B-tree and heap) or in the last quarter (where the statistics and
their metadata are written last), or a run of random bytes.  Files are named
mNNN.h5 from FIRST on."""
import os
import random
import sys

seed, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
first = int(sys.argv[4]) if len(sys.argv) > 4 else 0
data = open(seed, "rb").read()
rng = random.Random(20261127 + first)
os.makedirs(out, exist_ok=True)
size = len(data)
for i in range(n):
    b = bytearray(data)
    kind = i % 5
    if kind == 0:
        b = b[: rng.randrange(0, size)]
    else:
        lo, hi = {1: (0, size), 2: (0, min(16384, size)), 3: (3 * size // 4, size), 4: (0, size)}[kind]
        if kind == 4:
            p, k = rng.randrange(lo, hi), rng.randint(1, 64)
            b[p:p + k] = bytes(rng.randrange(256) for _ in range(min(k, size - p)))
        else:
            for _ in range(rng.randint(1, 12)):
                p = rng.randrange(lo, hi)
                b[p] ^= 1 << rng.randrange(8)
    with open(os.path.join(out, "m%03d.h5" % (first + i)), "wb") as f:
        f.write(b)
