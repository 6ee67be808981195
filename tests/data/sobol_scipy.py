#!/usr/bin/python3
"""tests/data/sobol_scipy.py: the sobol design equals SciPy's unscrambled Sobol points.

Usage: /usr/bin/python3 tests/data/sobol_scipy.py PATH/TO/sobol_points

Checks, exactly (bit for bit):
1. design points 0..99999 of d = 64 are scipy.stats.qmc.Sobol(64, scramble=False)
   points 1..100000 (SciPy's default 30 bits), and a chunk starting inside
   (index 12345) equals the same rows;
2. SciPy's 30-bit and 52-bit (bits=52) points are the same doubles for these
   indices: below 2^30 the Gray code only uses the first 30 direction numbers,
   and SciPy's 52-bit ones are its 30-bit ones times 2^22, so our 52-bit
   points equal SciPy's default ones;
3. at high indices (around 2^40 and just below 2^52, where SciPy's default
   30-bit sequence has run out and its fast_forward cannot go with bits > 32),
   the points equal the Gray-code sum of SciPy's own 52-bit direction
   numbers (Sobol(d, bits=52)._sv);
4. with scramble = shift, the shifted point XOR the unshifted one is the same
   52-bit word at every index of a dimension (a digital shift), and the values
   are the centres (y + 1/2) / 2^52.
Exit status 0 when all hold, 1 otherwise.
"""
import subprocess
import sys
import warnings

import numpy as np
from scipy.stats import qmc

warnings.simplefilter("ignore")  # SciPy warns when n is not a power of 2
HELPER = sys.argv[1]
fails = 0


def ours(d, n, first, seed=None):
    args = [HELPER, str(d), str(n), str(first)] + ([str(seed)] if seed is not None else [])
    out = subprocess.run(args, check=True, capture_output=True).stdout
    return np.frombuffer(out, dtype=np.float64).reshape(d, n).T  # rows = points


def check(name, ok):
    global fails
    print(("ok   " if ok else "FAIL ") + name)
    if not ok:
        fails += 1


d, n = 64, 100000
ref = qmc.Sobol(d, scramble=False).random(n + 1)[1:]
mine = ours(d, n, 0)
check(f"d={d}: design points 0..{n - 1} == SciPy points 1..{n}", np.array_equal(mine, ref))
if not np.array_equal(mine, ref):
    bad = np.argwhere(mine != ref)[0]
    print("  first difference at point", bad[0], "dim", bad[1], mine[tuple(bad)], ref[tuple(bad)])
check("chunk from index 12345 == the same rows", np.array_equal(ours(d, 1000, 12345), ref[12345:13345]))
for dd in (1, 2, 7):
    check(f"d={dd}: first 4096 points == SciPy", np.array_equal(ours(dd, 4096, 0), ref[:4096, :dd]))
ref52 = qmc.Sobol(d, scramble=False, bits=52).random(n + 1)[1:]
check("SciPy 30-bit points == SciPy 52-bit points for n <= 100000", np.array_equal(ref, ref52))

# high indices from SciPy's 52-bit direction numbers
d = 16
sv = qmc.Sobol(d, scramble=False, bits=52)._sv.astype(np.uint64)  # (d, 52)
for first, m in ((2**30 - 5, 10), (2**40 - 3, 8), (2**52 - 12, 10)):
    want = np.zeros((m, d))
    for k in range(m):
        sob = first + k + 1
        g = sob ^ (sob >> 1)
        x = np.zeros(d, dtype=np.uint64)
        for b in range(52):
            if (g >> b) & 1:
                x ^= sv[:, b]
        want[k] = x.astype(np.float64) * 2.0**-52
    check(f"d={d}: points {first}..{first + m - 1} == SciPy's 52-bit Gray-code sums",
          np.array_equal(ours(d, m, first), want))

# scramble = shift
plain = ours(d, 4096, 1000)
shifted = ours(d, 4096, 1000, seed=7)
xp = (plain * 2.0**52).astype(np.uint64)
ys = shifted * 2.0**52 - 0.5
xs = ys.astype(np.uint64)
check("shifted values are cell centres (y + 1/2) / 2^52", np.array_equal(xs.astype(np.float64), ys))
shift = xs ^ xp
check("shift = shifted XOR plain is one word per dimension", bool(np.all(shift == shift[0])))
check("the shifts of the dimensions differ", len(set(shift[0].tolist())) == d)
check("seed 8 gives another shift", not np.array_equal(ours(d, 16, 1000, seed=8), shifted[:16]))
check("shifted values in (0,1)", bool(np.all((shifted > 0) & (shifted < 1))))
sys.exit(1 if fails else 0)
