#!/usr/bin/env python3
"""bench/peer_numpy.py [N]: the peer of econsweep's model stage: model 2 of
docs/model.md (the formulas of tests/data/model_reference.py) vectorised with
NumPy over N samples, the IRR by a vectorised safeguarded Newton on the
closed-form NPV (the C kernel's method), on one core.  Prints samples/s of
the model alone (median of 3 runs), the figure tools/bench sets beside
econsweep's.  Inputs: the scenario's defaults with the shipped study's
uncertain inputs drawn uniformly over their ranges (the cost does not depend
on the values).  Run with Debian's /usr/bin/python3 (numpy)."""
import os
import sys
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
import numpy as np  # noqa: E402

N = int(float(sys.argv[1])) if len(sys.argv) > 1 else 1000000
rng = np.random.default_rng(1)


def u(lo, hi):
    return rng.uniform(lo, hi, N)


P = dict(V=u(5e11, 8e11), I=u(1e10, 2.5e10), f=u(0.3, 0.7), mu=np.full(N, 1.5), A=u(530, 800),
         D0=u(0.05, 0.2), al=u(0.3, 2), W=u(17000, 25000), d=np.full(N, 300.0), e=np.full(N, 3.0),
         nd=np.full(N, 2.0), Cp=u(2800, 5500), Pa=u(0.9, 1.2), Fa=np.full(N, 2.517e15),
         Cg=np.full(N, 6400.0), m=u(0.65, 0.78), Pg=np.full(N, 1.2), Fg=np.full(N, 4.5e15),
         ks=np.full(N, 1.6), L=np.full(N, 0.75), PUE=u(1.06, 1.4), pe=u(55, 120), U=u(0.2, 0.5),
         T=u(4, 6), Bq=u(8e9, 1.6e10), s=np.full(N, 0.5), R=np.full(N, 3.8e10), Tc=7, mc=np.full(N, 0.3),
         r=np.full(N, 0.1), H=5, VX=u(3e11, 3e12), dl=u(0.1, 0.3), Csa=u(3000, 9000),
         Csg=u(7000, 15000), Kf=u(7e6, 2e7), Tf=u(10, 20))


def annuity(n, x):
    v = 1.0 / (1.0 + x)
    return (1.0 - v ** n) / x, (n * v ** (n + 1) - (1.0 - v ** n) / x) / x


def model(p):
    h = 8766.0
    us = p["d"] - 2 * p["e"]
    G = np.pi * us * us / (4 * p["A"]) - np.pi * us / np.sqrt(2 * p["A"])
    Y = np.exp(-p["al"] * np.log1p(p["D0"] * p["A"] / 100 / p["al"]))
    Cdie = p["W"] / (G * Y)
    Cchip = p["nd"] * Cdie + p["Cp"]
    Nch = p["f"] * p["I"] / (p["mu"] * Cchip)
    Pmw = Nch * p["Pa"] * p["ks"] * p["PUE"] / 1000
    E = Pmw * p["L"] * h * p["pe"]
    F = Nch * p["Fa"] * p["U"] * p["T"] * 3.15576e7
    build = p["ks"] * p["Kf"] / (1000 * p["Tf"] * h)
    energy = p["ks"] * p["PUE"] * p["L"] * p["pe"] / 1000
    ca = ((p["mu"] * Cchip + p["Csa"]) / (p["T"] * h) + p["Pa"] * build + p["Pa"] * energy) / (
        p["Fa"] * p["U"] / 1e15)
    cg = ((p["Cg"] / (1 - p["m"]) + p["Csg"]) / (p["T"] * h) + p["Pg"] * build + p["Pg"] * energy) / (
        p["Fg"] * p["U"] / 1e15)
    S = (cg - ca) * F / 3.6e18
    sigma = p["I"] / p["V"]
    Q = (1 - p["f"]) * p["I"] / p["Bq"]
    CFR = p["f"] + p["s"] * (1 - p["f"])
    Kcap = Nch * p["Pa"] * p["ks"] / 1000 * p["Kf"]
    C0 = p["I"] * ((1 - p["f"]) + p["f"] / p["mu"])
    mult = (1 - p["dl"]) * (p["VX"] / p["V"])
    annual = p["mc"] * p["R"] / p["Tc"]
    M = annual * annuity(p["Tc"], p["r"])[0]
    X = p["I"] * mult * (1.0 + p["r"]) ** -p["H"]
    npv = X - C0 + M
    # IRR: safeguarded Newton on c0 + A a_Tc(x) + B v^H (flows over I)
    c0, A, B, tc, hz = -C0 / p["I"], annual / p["I"], mult, p["Tc"], p["H"]
    Pin = A * tc + B
    D = (A * 0.5 * tc * (tc + 1) + B * hz) / Pin
    x = np.expm1(np.log(Pin / -c0) / D)
    lo, hi = np.full(N, -0.99), np.full(N, 10.0)
    for _ in range(12):
        a, da = annuity(tc, x)
        v = 1.0 / (1.0 + x)
        f = c0 + A * a + B * v ** hz
        fp = A * da - hz * B * v ** (hz + 1)
        lo = np.where(f > 0, x, lo)
        hi = np.where(f <= 0, x, hi)
        xn = x - f / fp
        x = np.where((xn > lo) & (xn < hi), xn, 0.5 * (lo + hi))
    return [G, Y, Cdie, Cchip, Nch, Pmw, E, F, ca, cg, S, sigma, Q, CFR, npv, x, Kcap, C0, M, X, mult]


times = []
for _ in range(3):
    t0 = time.perf_counter()
    out = model(P)
    times.append(time.perf_counter() - t0)
t = sorted(times)[1]
print("numpy %s: model alone, %d samples, one core: %.0f samples/s, %.0f ns/sample (median of 3)"
      % (np.__version__, N, N / t, 1e9 * t / N))
