"""The BARFI study's table: the primary return of training episodes per env x heuristic x variant.

Usage: /usr/bin/python3 report.py RUNS_DIR REPORT_DIR > table.md
RUNS_DIR holds <env>/<heuristic>/<variant>/runs/*/run.h5 (rewardlab sweeps); run files are read
through SWMR so that runs still training count. Also writes REPORT_DIR/blend_<env>_<h>.png, the
learned blend weights and γ_φ of BARFI runs over time.
"""
import glob
import os
import sys

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

# the paper's budget in episodes (algorithms.md §2.4); HalfCheetah: every episode of the runs
BUDGET = {"gridworld": 2000, "cartpole": 1000, "mountaincar": 500, "halfcheetah": None}
BUDGET_BY_HEURISTIC = {("mountaincar", "velocity"): 2000}
VARIANTS = ["rp", "naive", "pbrs", "barfi", "barfi_neumann", "barfi_gamma"]
COLOR = {"barfi": "C0", "barfi_neumann": "C1", "barfi_gamma": "C2"}
BLEND = ["w_const", "w_primary", "w_aux"]


def primary(f, env):
    """The undiscounted primary return of every training episode of run file f."""
    if env == "halfcheetah":
        return f["episodes/terms/forward"][()]
    return f["episodes/return"][()]


def cell(values):
    """mean ± std over seeds, or a dash."""
    if not values:
        return "–"
    a = np.array(values)
    return f"{a.mean():.1f} ± {a.std():.1f}"


def main():
    runs, report = sys.argv[1], sys.argv[2]
    print("| env | heuristic | variant | seeds | episodes (N) | first N episodes | last 100 | "
          "γ_φ | w_const / w_primary / w_aux |")
    print("|---|---|---|---:|---:|---:|---:|---:|---:|")
    for env_dir in sorted(glob.glob(os.path.join(runs, "*"))):
        env = os.path.basename(env_dir)
        if env not in BUDGET:
            continue
        for h_dir in sorted(glob.glob(os.path.join(env_dir, "*"))):
            h = os.path.basename(h_dir)
            budget = BUDGET_BY_HEURISTIC.get((env, h), BUDGET[env])
            curves = {}
            for variant in VARIANTS:
                paths = sorted(glob.glob(os.path.join(h_dir, variant, "runs", "*", "run.h5")))
                if not paths:
                    continue
                first, last, counts, gammas, blends = [], [], [], [], []
                for path in paths:
                    with h5py.File(path, "r", libver="latest", swmr=True) as f:
                        r = primary(f, env)
                        if len(r) == 0:
                            continue
                        n = len(r) if budget is None else min(budget, len(r))
                        first.append(r[:n].mean())
                        last.append(r[-100:].mean())
                        counts.append(n)
                        if "metrics/barfi" in f:
                            g = f["metrics/barfi"]
                            gammas.append(g["gamma"][-1])
                            if all(k in g for k in BLEND):
                                blends.append([g[k][-1] for k in BLEND])
                                curves.setdefault(variant, []).append(
                                    (g["step"][()], np.stack([g[k][()] for k in BLEND]),
                                     g["gamma"][()]))
                if not first:
                    continue
                blend = "–"
                if blends:
                    b = np.array(blends).mean(0)
                    blend = " / ".join(f"{x:.2f}" for x in b)
                gamma = f"{np.mean(gammas):.3f}" if gammas else "–"
                if gammas and np.ptp(gammas) > 1e-3:
                    gamma += f" ({min(gammas):.3f}–{max(gammas):.3f})"
                print(f"| {env} | {h} | {variant} | {len(first)} | {min(counts)}"
                      f"{'' if budget is None else f' ({budget})'} | {cell(first)} | "
                      f"{cell(last)} | {gamma} | {blend} |")
            plot_blend(curves, env, h, report)


def plot_blend(curves, env, h, report):
    """The blend weights (mean over seeds, each on its own steps) and γ_φ over env steps."""
    if not curves:
        return
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.5))
    for variant, runs in curves.items():
        for i, (step, w, gamma) in enumerate(runs):
            label = variant if i == 0 else None
            for k, ls in zip(range(3), ["-", "--", ":"]):
                axes[0].plot(step, w[k], ls, lw=0.7, alpha=0.6,
                             color=COLOR[variant],
                             label=f"{label} {BLEND[k]}" if label else None)
            axes[1].plot(step, gamma, lw=0.7, alpha=0.6,
                         color=COLOR[variant], label=label)
    axes[0].set_title("mean blend weights over the batch's states")
    axes[1].set_title("γ_φ")
    for ax in axes:
        ax.set_xlabel("env steps")
        ax.legend(fontsize=7)
    fig.suptitle(f"BARFI on {env}, heuristic {h}")
    fig.tight_layout()
    fig.savefig(os.path.join(report, f"blend_{env}_{h}.png"), dpi=100)
    plt.close(fig)


if __name__ == "__main__":
    main()
