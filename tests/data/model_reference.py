#!/usr/bin/env python3
"""tests/data/model_reference.py: model 2 of docs/model.md written again in plain
Python, independently of src/, to produce the expected values pinned in
tests/test_model.c.

It shares nothing with the C kernel: the yield is the textbook power, the cash
flows are a dictionary summed term by term, the annuity is that sum (no closed
form), and the IRR is the largest root of NPV on (-0.99, 10), found by a scan
of the range from the top and a plain bisection (NPV has two roots there when
the margin is negative and the contract outlasts the horizon).

Run: /usr/bin/python3 tests/data/model_reference.py   (prints C initialisers)"""
import math

NAMES_OUT = ["gross_dies_per_wafer", "die_yield", "cost_per_good_die_usd", "chip_cost_usd",
             "chips_delivered", "facility_power_mw", "energy_cost_usd_per_year", "delivered_flop",
             "asic_usd_per_pflop_hour", "gpu_usd_per_pflop_hour", "gpu_tax_saving_usd",
             "equity_stake", "runway_quarters", "circular_financing_ratio", "investor_npv_usd",
             "investor_irr", "facility_capex_usd", "deal_cost_usd", "contract_margin_pv_usd",
             "stake_pv_usd", "stake_multiple"]


def largest_root(f, lo, hi, steps=20000):
    """The largest root of f on (lo, hi), NaN if none: f on a grid of `steps`
    points evenly spaced in log(1 + x), from the top down to the first sign
    change, then plain bisection (200 halvings) of that cell.  Nothing shared
    with the C solver, which uses NPV's shape instead of a grid."""
    a, b = math.log1p(lo), math.log1p(hi)
    xs = [math.expm1(b - (b - a) * k / steps) for k in range(steps + 1)]
    xs[0], xs[-1] = hi, lo
    prev_x, prev_f = xs[0], f(xs[0])
    for x in xs[1:]:
        fx = f(x)
        if fx == 0 and lo < x < hi:
            return x
        if (fx > 0) != (prev_f > 0) and prev_f != 0:
            l, h, fl = x, prev_x, fx
            for _ in range(200):
                mid = 0.5 * (l + h)
                fm = f(mid)
                if fm == 0:
                    return mid
                if (fm > 0) == (fl > 0):
                    l, fl = mid, fm
                else:
                    h = mid
            return 0.5 * (l + h)
        prev_x, prev_f = x, fx
    return float("nan")


def model(p):
    V, I, f, mu = p["valuation_usd"], p["investment_usd"], p["chip_share"], p["chip_markup"]
    A, D0, al, W = p["die_area_mm2"], p["defect_density_per_cm2"], p["yield_alpha"], p["wafer_price_usd"]
    d, e, nd, Cp = p["wafer_diameter_mm"], p["edge_exclusion_mm"], p["dies_per_chip"], p["package_cost_usd"]
    Pa, Fa, Cg, m = p["chip_power_kw"], p["chip_flops"], p["gpu_cost_usd"], p["gpu_margin"]
    Pg, Fg, ks, L = p["gpu_power_kw"], p["gpu_flops"], p["server_power_factor"], p["load_factor"]
    PUE, pe, U, T = p["pue"], p["electricity_usd_per_mwh"], p["mfu"], p["depreciation_years"]
    Bq, s, R, Tc = p["burn_usd_per_quarter"], p["cash_return_share"], p["cloud_contract_usd"], p["contract_years"]
    mc, r, H = p["cloud_margin"], p["discount_rate"], p["horizon_years"]
    VX, dl = p["exit_valuation_usd"], p["dilution"]
    Csa, Csg, Kf, Tf = (p["asic_system_cost_usd"], p["gpu_system_cost_usd"],
                        p["facility_capex_usd_per_mw"], p["facility_life_years"])
    h = 8766.0
    G = math.pi * (d - 2 * e) ** 2 / (4 * A) - math.pi * (d - 2 * e) / math.sqrt(2 * A)
    Y = (1 + D0 * A / 100 / al) ** (-al)
    Cdie = W / (G * Y)
    Cchip = nd * Cdie + Cp
    N = f * I / (mu * Cchip)
    P = N * Pa * ks * PUE / 1000
    E = P * L * h * pe
    F = N * Fa * U * T * 3.15576e7
    ca = ((mu * Cchip + Csa) / (T * h) + Pa * ks * Kf / (1000 * Tf * h)
          + Pa * ks * PUE * L * pe / 1000) / (Fa * U / 1e15)
    cg = ((Cg / (1 - m) + Csg) / (T * h) + Pg * ks * Kf / (1000 * Tf * h)
          + Pg * ks * PUE * L * pe / 1000) / (Fg * U / 1e15)
    S = (cg - ca) * F / 3.6e18
    sigma = I / V
    Q = (1 - f) * I / Bq
    CFR = f + s * (1 - f)
    Kcap = N * Pa * ks / 1000 * Kf
    C0 = (1 - f) * I + f * I / mu
    flows = {0: -C0}
    for t in range(1, int(Tc) + 1):
        flows[t] = flows.get(t, 0.0) + mc * R / Tc
    flows[int(H)] = flows.get(int(H), 0.0) + sigma * (1 - dl) * VX

    def npv(x):
        return sum(cf / (1 + x) ** t for t, cf in flows.items())

    M = sum(mc * R / Tc / (1 + r) ** t for t in range(1, int(Tc) + 1))
    X = sigma * (1 - dl) * VX / (1 + r) ** H
    mult = sigma * (1 - dl) * VX / I
    irr = largest_root(npv, -0.99, 10.0)
    return [G, Y, Cdie, Cchip, N, P, E, F, ca, cg, S, sigma, Q, CFR, npv(r), irr,
            Kcap, C0, M, X, mult]


DEFAULTS = dict(valuation_usd=5.5e11, investment_usd=1.0e10, chip_share=0.5, chip_markup=1.5,
                die_area_mm2=650, defect_density_per_cm2=0.10, yield_alpha=1.0, wafer_price_usd=20000,
                wafer_diameter_mm=300, edge_exclusion_mm=3, dies_per_chip=2, package_cost_usd=3800,
                chip_power_kw=1.0, chip_flops=2.517e15, gpu_cost_usd=6400, gpu_margin=0.75,
                gpu_power_kw=1.2, gpu_flops=4.5e15, server_power_factor=1.6, load_factor=0.75,
                pue=1.15, electricity_usd_per_mwh=80, mfu=0.38, depreciation_years=5,
                burn_usd_per_quarter=1.2e10, cash_return_share=0.5, cloud_contract_usd=3.8e10,
                contract_years=7, cloud_margin=0.30, discount_rate=0.10, horizon_years=5,
                exit_valuation_usd=5.5e11, dilution=0.0, asic_system_cost_usd=6000,
                gpu_system_cost_usd=10000, facility_capex_usd_per_mw=1.1e7, facility_life_years=15)

# The cases pinned in tests/test_model.c: the defaults (docs/model.md's worked
# values), both ends of the chip share, an exit above the entry with dilution
# and a rate near 0 (the annuity's term-by-term branch), a negative cloud
# margin with one root (the horizon past the contract), a negative margin with
# two roots (the defaults' 5-year horizon inside the 7-year contract; the IRR
# is the larger, 2.89%; the other is -92.3%) and a deal without a root.
CASES = {
    "defaults": {},
    "share0": {"chip_share": 0.0},
    "share1": {"chip_share": 1.0},
    "exit": {"exit_valuation_usd": 1.2e12, "dilution": 0.2, "discount_rate": 0.03,
             "horizon_years": 4, "contract_years": 6, "asic_system_cost_usd": 3000,
             "gpu_system_cost_usd": 15000, "facility_capex_usd_per_mw": 2.0e7,
             "facility_life_years": 10},
    "loss": {"cloud_margin": -0.05, "exit_valuation_usd": 9.0e11, "horizon_years": 8},
    "tworoots": {"cloud_margin": -0.01},
    "noroot": {"cloud_contract_usd": 0.0, "exit_valuation_usd": 5.5e8, "horizon_years": 1},
}

if __name__ == "__main__":
    for name, over in CASES.items():
        p = dict(DEFAULTS)
        p.update(over)
        vals = model(p)
        print("static const double want_%s[ES_ECON_NOUT] = {%s};" % (
            name, ", ".join(repr(v) if not math.isnan(v) else "NAN" for v in vals)))
