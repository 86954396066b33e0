#!/usr/bin/python3
"""Figures and tables of the reward-free exploration study (bench/reward_free_study.cc).

    /usr/bin/python3 experiments/plot/reward_free.py results/reward_free/subopt.csv [OUT_DIR]

Writes OUT_DIR (default: the CSV's folder) /subopt_vs_k.png, k_eps.png, k_eps_vs_h.png and
tables.md. Statistics over seeds: the median and the interquartile range. Slopes are least-squares
fits of log(median worst-case sub-optimality) on log K over K >= FIT_MIN_K (zeros left out).
K(eps) is, per seed, the first K of the grid at which the worst-case sub-optimality is <= eps;
the table reports the median over seeds and "> K_max" when half the seeds or more never get there.
"""
import csv
import math
import os
import sys
from collections import defaultdict

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

EPSILONS = [0.2, 0.1, 0.05]
FIT_MIN_K = 50
COLORS = {"vtr": "tab:blue", "rfucrl": "tab:orange", "random": "tab:gray"}


def load(path):
    """Rows keyed by (env, method, horizon) -> {seed: [(K, worst, mean), ...]}."""
    runs = defaultdict(lambda: defaultdict(list))
    with open(path) as f:
        for row in csv.DictReader(f):
            key = (row["env"], row["method"], int(row["horizon"]))
            runs[key][int(row["seed"])].append(
                (int(row["episodes"]), float(row["worst"]), float(row["mean"])))
    return runs


def curves(seeds, column):
    """K grid and a (seeds x K) array of one column (1 = worst, 2 = mean)."""
    ks = [r[0] for r in next(iter(seeds.values()))]
    data = np.array([[r[column] for r in seeds[s]] for s in sorted(seeds)])
    return np.array(ks), data


def slope(ks, median):
    keep = (ks >= FIT_MIN_K) & (median > 0)
    if keep.sum() < 2:
        return float("nan")
    return float(np.polyfit(np.log(ks[keep]), np.log(median[keep]), 1)[0])


def k_eps(ks, data, eps):
    """Median over seeds of the first K with worst <= eps (inf when not reached)."""
    firsts = []
    for row in data:
        hit = np.nonzero(row <= eps)[0]
        firsts.append(ks[hit[0]] if len(hit) else math.inf)
    return float(np.median(firsts))


def axes_of(envs, horizons):
    fig, axes = plt.subplots(len(envs), len(horizons), figsize=(3.6 * len(horizons), 3.2 * len(envs)),
                             squeeze=False)
    return fig, axes


def main():
    path = sys.argv[1]
    out_dir = sys.argv[2] if len(sys.argv) > 2 else os.path.dirname(path)
    runs = load(path)
    envs = sorted({k[0] for k in runs})
    methods = [m for m in ["vtr", "rfucrl", "random"] if any(k[1] == m for k in runs)]
    horizons = sorted({k[2] for k in runs})
    slopes, keps, finals = {}, {}, {}

    # sub-optimality vs K, log-log, with fitted slopes
    fig, axes = axes_of(envs, horizons)
    for i, env in enumerate(envs):
        for j, h in enumerate(horizons):
            ax = axes[i][j]
            for m in methods:
                if (env, m, h) not in runs:
                    continue
                ks, worst = curves(runs[(env, m, h)], 1)
                _, mean = curves(runs[(env, m, h)], 2)
                med = np.median(worst, axis=0)
                s_worst, s_mean = slope(ks, med), slope(ks, np.median(mean, axis=0))
                slopes[(env, h, m)] = (s_worst, s_mean)
                keps[(env, h, m)] = [k_eps(ks, worst, e) for e in EPSILONS]
                finals[(env, h, m)] = (int(ks[-1]), float(med[-1]), float(np.median(mean[:, -1])))
                c = COLORS.get(m)
                ax.loglog(ks, med, "-o", ms=3, color=c, label=f"{m} worst ({s_worst:+.2f})")
                ax.fill_between(ks, np.percentile(worst, 25, axis=0),
                                np.percentile(worst, 75, axis=0), color=c, alpha=0.2)
                ax.loglog(ks, np.median(mean, axis=0), ":", color=c, label=f"{m} mean ({s_mean:+.2f})")
            ref = np.array([FIT_MIN_K, ks[-1]], dtype=float)
            ax.loglog(ref, 0.5 * (ref / ref[0]) ** -0.5, "k--", lw=0.8, label="slope -1/2")
            ax.set_title(f"{env}, H = {h}", fontsize=9)
            ax.set_xlabel("exploration episodes K")
            ax.set_ylabel("sub-optimality")
            ax.legend(fontsize=6)
    fig.tight_layout()
    fig.savefig(os.path.join(out_dir, "subopt_vs_k.png"), dpi=110)

    # K(eps) vs eps at each H, and K(eps) vs H at each eps
    k_max = max(v[0] for v in finals.values())
    cap = lambda k: k if math.isfinite(k) else 2 * k_max  # noqa: E731
    fig, axes = axes_of(envs, horizons)
    for i, env in enumerate(envs):
        for j, h in enumerate(horizons):
            ax = axes[i][j]
            for m in methods:
                if (env, h, m) in keps:
                    ax.loglog(EPSILONS, [cap(k) for k in keps[(env, h, m)]], "-o", color=COLORS[m],
                              label=m)
            ax.axhline(k_max, color="k", lw=0.6, ls=":")
            ax.invert_xaxis()
            ax.set_title(f"{env}, H = {h}", fontsize=9)
            ax.set_xlabel("epsilon")
            ax.set_ylabel("K(eps) (above the dotted line: not reached)", fontsize=7)
            ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(os.path.join(out_dir, "k_eps.png"), dpi=110)

    fig, axes = axes_of(envs, EPSILONS)
    for i, env in enumerate(envs):
        for j, e in enumerate(EPSILONS):
            ax = axes[i][j]
            for m in methods:
                hs = [h for h in horizons if (env, h, m) in keps]
                ax.loglog(hs, [cap(keps[(env, h, m)][j]) for h in hs], "-o", color=COLORS[m],
                          label=m)
            ax.axhline(k_max, color="k", lw=0.6, ls=":")
            ax.set_title(f"{env}, eps = {e}", fontsize=9)
            ax.set_xlabel("horizon H")
            ax.set_ylabel("K(eps) (above the dotted line: not reached)", fontsize=7)
            ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(os.path.join(out_dir, "k_eps_vs_h.png"), dpi=110)

    # tables
    fmt = lambda k: f"{int(k)}" if math.isfinite(k) else f"> {k_max}"  # noqa: E731
    lines = [f"Fitted slopes of log median sub-optimality vs log K (K >= {FIT_MIN_K}):", "",
             "| env | H | method | slope (worst) | slope (mean) | worst at K_max | mean at K_max |",
             "|---|---|---|---|---|---|---|"]
    for (env, h, m), (sw, sm) in sorted(slopes.items()):
        k, fw, fm = finals[(env, h, m)]
        lines.append(f"| {env} | {h} | {m} | {sw:+.2f} | {sm:+.2f} | {fw:.3f} | {fm:.4f} |")
    lines += ["", "K(eps): median over seeds of the first K with worst-case sub-optimality <= eps:",
              "", "| env | H | method | " + " | ".join(f"K({e})" for e in EPSILONS) + " |",
              "|---|---|---|" + "---|" * len(EPSILONS)]
    for (env, h, m), ks in sorted(keps.items()):
        lines.append(f"| {env} | {h} | {m} | " + " | ".join(fmt(k) for k in ks) + " |")
    with open(os.path.join(out_dir, "tables.md"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
