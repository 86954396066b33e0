#!/usr/bin/python3
"""Learning curves and a summary table of rewardlab runs grouped by name.

    /usr/bin/python3 experiments/plot/curves.py --out FIG.png [--table TABLE.md]
        [--threshold R] [--title T] RUN_DIR...

Runs are grouped by their folder name without a trailing "-s<seed>" (e.g. pbrs-s3 -> pbrs). Each
curve is the deterministic evaluation return (eval/return_mean) against env steps: the mean over
the group's seeds with a 95% bootstrap confidence band (2000 resamples of the seeds). The table
gives, per group: seeds, the final evaluation return (mean ± std over seeds), the mean of the
last 100 training episodes' env return, and the env steps until the evaluation return first
reaches --threshold (mean over the seeds that reach it, and how many do). Returns are always the
env's own return, never the optimised (shaped) one. Reads live runs through SWMR.
"""
import argparse
import os
import re
from collections import OrderedDict

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def load(run_dir):
    """Evaluation steps, evaluation returns and training episode returns of one run."""
    with h5py.File(os.path.join(run_dir, "run.h5"), "r", libver="latest", swmr=True) as f:
        return (f["eval/step"][()], f["eval/return_mean"][()], f["episodes/return"][()])


def group_runs(run_dirs):
    groups = OrderedDict()
    for d in run_dirs:
        name = re.sub(r"-s\d+$", "", os.path.basename(os.path.normpath(d)))
        groups.setdefault(name, []).append(d)
    return groups


def bootstrap_band(values, rng, resamples=2000):
    """(2.5%, 97.5%) percentiles of the mean over resampled seeds; values is (seeds x points)."""
    n = values.shape[0]
    idx = rng.integers(0, n, size=(resamples, n))
    means = values[idx].mean(axis=1)
    return np.percentile(means, 2.5, axis=0), np.percentile(means, 97.5, axis=0)


def steps_to(steps, returns, threshold):
    hit = np.nonzero(returns >= threshold)[0]
    return steps[hit[0]] if len(hit) else None


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("runs", nargs="+")
    parser.add_argument("--out", required=True)
    parser.add_argument("--table")
    parser.add_argument("--threshold", type=float)
    parser.add_argument("--title", default="")
    args = parser.parse_args()

    rng = np.random.default_rng(0)
    fig, ax = plt.subplots(figsize=(7, 4.2))
    rows = ["| variant | seeds | final eval return | last-100 training return | "
            f"env steps to eval return ≥ {args.threshold} |", "|---|---:|---:|---:|---:|"]
    for name, dirs in group_runs(args.runs).items():
        runs = [load(d) for d in dirs]
        n = min(len(r[0]) for r in runs)
        steps = runs[0][0][:n]
        curves = np.array([r[1][:n] for r in runs])
        mean = curves.mean(axis=0)
        lo, hi = bootstrap_band(curves, rng)
        (line,) = ax.plot(steps, mean, label=f"{name} ({len(runs)} seeds)")
        ax.fill_between(steps, lo, hi, color=line.get_color(), alpha=0.2)

        finals = curves[:, -1]
        last100 = np.array([r[2][-100:].mean() for r in runs])
        reach = ""
        if args.threshold is not None:
            hits = [steps_to(r[0], r[1], args.threshold) for r in runs]
            hits = [h for h in hits if h is not None]
            reach = (f"{np.mean(hits):.0f} ({len(hits)}/{len(runs)} seeds)" if hits
                     else f"never (0/{len(runs)})")
        rows.append(f"| {name} | {len(runs)} | {finals.mean():.2f} ± {finals.std():.2f} | "
                    f"{last100.mean():.2f} ± {last100.std():.2f} | {reach} |")
    ax.set_xlabel("env steps")
    ax.set_ylabel("deterministic evaluation return (env reward)")
    ax.set_title(args.title)
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(args.out, dpi=120)
    table = "\n".join(rows) + "\n"
    if args.table:
        with open(args.table, "w") as f:
            f.write(table)
    print(table, end="")


if __name__ == "__main__":
    main()
