#!/usr/bin/python3
"""Markdown table of the returns of finished or running rewardlab runs.

    bench/returns_summary.py RUN_DIR...

Per run: steps reached, the mean of the last 100 training episodes (stochastic policy; CleanRL's
openrlbenchmark protocol) and the last deterministic evaluation. Runs still being written are read
through SWMR. Needs Debian's python3-h5py (/usr/bin/python3).
"""
import sys

import h5py
import numpy as np


def summarize(run_dir):
    with h5py.File(f"{run_dir}/run.h5", "r", libver="latest", swmr=True) as f:
        returns = f["episodes/return"][()]
        steps = f["episodes/step"][()]
        evals = f["eval/return_mean"][()]
        eval_steps = f["eval/step"][()]
    last = returns[-100:]
    row = [run_dir, str(int(steps[-1]) if len(steps) else 0)]
    row.append(f"{last.mean():.1f} ± {last.std():.1f}" if len(last) else "-")
    row.append(f"{evals[-1]:.1f} (at {int(eval_steps[-1])})" if len(evals) else "-")
    return row, (last.mean() if len(last) else np.nan), (evals[-1] if len(evals) else np.nan)


def main():
    print("| run | env steps | last-100 training episodes | last deterministic eval |")
    print("|---|---:|---:|---:|")
    train, ev = [], []
    for run in sys.argv[1:]:
        row, t, e = summarize(run)
        train.append(t)
        ev.append(e)
        print("| " + " | ".join(row) + " |")
    if len(train) > 1:
        print(f"| mean ± std across runs | | {np.nanmean(train):.1f} ± {np.nanstd(train):.1f} "
              f"| {np.nanmean(ev):.1f} ± {np.nanstd(ev):.1f} |")


if __name__ == "__main__":
    main()
