#!/usr/bin/python3
"""Learning curves of rewardlab runs and sweeps, grouped by config and overrides (rewardlab plot).

    /usr/bin/python3 experiments/plot/plot.py RUN_OR_SWEEP... --out FIG.{png,pdf,svg}
        [--metric eval|train] [--iqm] [--smooth N] [--terms] [--threshold R] [--title T]

A sweep folder (sweep.json) contributes one group per grid point, labelled with the sweep's name
and the run's overrides of the grid keys with more than one value; its seeds are the group's
members. A run folder joins the group of its resolved config
without the seed line. Each curve is the return against env steps: --metric eval is the
deterministic evaluation return (eval/return_mean), --metric train the env return of training
episodes, interpolated onto 200 common steps. The line is the mean over seeds (or the
interquartile mean with --iqm) with a 95% bootstrap confidence band (2000 resamples of the seeds).
--smooth N is a moving average over N points. --terms adds FIG_terms.EXT with the per-episode sums
of every reward term (/episodes/terms/*), mean over seeds, also smoothed. Beside the figure: FIG.csv and FIG.md with, per group,
the seeds, the final return (mean ± std over seeds, and the IQM), the mean env return of each
seed's last 100 training episodes (mean ± std over seeds; CleanRL's protocol), and the env steps
until the curve first reaches --threshold. Returns are the env's own, never the optimised (shaped) ones.
"""
import argparse
import csv
import json
import os
import re
import sys
from collections import OrderedDict

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

GRID_POINTS = 200


RUN_FORMAT = "rewardlab-run"
RUN_FORMAT_VERSION = 1


class InputError(Exception):
    """A damaged, foreign or unsupported input file: one line, naming the file."""


def attr_text(value):
    return value.decode() if isinstance(value, bytes) else str(value)


def check_format(path, f):
    """Refuses a file that is not a rewardlab run file of the version this script reads."""
    if attr_text(f.attrs.get("format", b"")) != RUN_FORMAT:
        raise InputError(f'{path}: not a rewardlab run file (no format="{RUN_FORMAT}" attribute)')
    version = f.attrs.get("format_version", 0)
    if not isinstance(version, (int, np.integer)) or int(version) != RUN_FORMAT_VERSION:
        raise InputError(f"{path}: run file format version {version} is not supported "
                         f"(this script reads version {RUN_FORMAT_VERSION})")


def read_run(run_dir):
    """Eval steps/returns, training episode steps/returns and reward terms of one run."""
    path = os.path.join(run_dir, "run.h5")
    try:
        return read_run_file(path)
    except InputError:
        raise
    except Exception as e:  # h5py raises OSError, KeyError, ValueError, ... on a damaged file
        reason = str(e).splitlines()[0] if str(e) else type(e).__name__
        raise InputError(f"{path}: cannot read ({reason}); the file is damaged or not a run file")


# A SWMR reader retries a metadata read whose checksum fails, sleeping 1, 2, 4, ... ns: HDF5's
# default of 100 tries never ends on a damaged file; 28 wait at most 0.27 s (docs/run-file.md).
SWMR_READ_ATTEMPTS = 28


def hdf5_library():
    """h5py's own HDF5 C library through ctypes, or None where it cannot be found."""
    import ctypes
    for name in ("libhdf5_serial.so.103", "libhdf5.so.103", "libhdf5.so"):
        try:
            lib = ctypes.CDLL(name)
            lib.H5Pset_metadata_read_attempts.argtypes = [ctypes.c_int64, ctypes.c_uint]
            return lib
        except (OSError, AttributeError):
            continue
    return None


def open_swmr(path):
    """The file opened as a SWMR reader with bounded metadata retries where HDF5 allows it."""
    lib = hdf5_library()
    if lib is None or not os.path.isfile(path):
        return h5py.File(path, "r", libver="latest", swmr=True)
    fapl = h5py.h5p.create(h5py.h5p.FILE_ACCESS)
    fapl.set_libver_bounds(h5py.h5f.LIBVER_LATEST, h5py.h5f.LIBVER_LATEST)
    lib.H5Pset_metadata_read_attempts(fapl.id, SWMR_READ_ATTEMPTS)
    fid = h5py.h5f.open(os.fsencode(path), h5py.h5f.ACC_RDONLY | h5py.h5f.ACC_SWMR_READ, fapl=fapl)
    return h5py.File(fid)


def read_run_file(path):
    with open_swmr(path) as f:
        check_format(path, f)
        terms = {k: f["episodes/terms"][k][()] for k in f["episodes/terms"]} \
            if "episodes/terms" in f else {}
        config = f.attrs.get("config", b"")
        config = config.decode() if isinstance(config, bytes) else str(config)
        return {"eval_step": f["eval/step"][()], "eval_return": f["eval/return_mean"][()],
                "ep_step": f["episodes/step"][()], "ep_return": f["episodes/return"][()],
                "terms": terms, "config": config}


def collect(inputs):
    """Ordered {group label: [run dict, ...]}."""
    groups = OrderedDict()
    by_config = {}
    for path in inputs:
        manifest = os.path.join(path, "sweep.json")
        if os.path.exists(manifest):
            try:
                with open(manifest) as f:
                    sweep = json.load(f)
                sweep["grid"], sweep["runs"], sweep["name"]
            except (OSError, ValueError, KeyError, TypeError) as e:
                raise InputError(f"{manifest}: not a readable sweep manifest ({e})")
            # a grid key with one value is part of the sweep's setting, not of its label
            fixed = {g["key"] for g in sweep["grid"] if len(g["values"]) == 1}
            for run in sweep["runs"]:
                run_dir = os.path.join(path, run["run_dir"])
                if not os.path.exists(os.path.join(run_dir, "run.h5")):
                    continue
                varied = [o for o in run["overrides"] if o.split("=", 1)[0] not in fixed]
                label = " ".join([sweep["name"]] + varied)
                groups.setdefault(label, []).append(read_run(run_dir))
        else:
            data = read_run(path)
            key = re.sub(r"(?m)^seed:.*$", "", data["config"])
            if key not in by_config:
                name = re.search(r"(?m)^name:\s*(.*)$", data["config"])
                label = name.group(1).strip() if name else os.path.basename(path)
                first = next((k for k, v in by_config.items() if v == label), None)
                if first is not None:
                    # the config lines that tell this group from the first of its name
                    seen = set(first.splitlines())
                    diff = [l.strip() for l in key.splitlines() if l not in seen]
                    label += " [" + ", ".join(diff[:3]) + "]"
                by_config[key] = label
            groups.setdefault(by_config[key], []).append(data)
    return groups


def smooth(y, n):
    if n <= 1 or len(y) < n:
        return y
    return np.convolve(y, np.ones(n) / n, mode="valid")


def curves(runs, metric, n_smooth):
    """(steps, seeds x points) on steps shared by every seed."""
    if metric == "eval":
        n = min(len(r["eval_step"]) for r in runs)
        steps = runs[0]["eval_step"][:n]
        ys = np.array([r["eval_return"][:n] for r in runs])
    else:
        end = min(r["ep_step"][-1] for r in runs if len(r["ep_step"]))
        steps = np.linspace(0, end, GRID_POINTS)
        ys = np.array([np.interp(steps, r["ep_step"], r["ep_return"]) for r in runs])
    if n_smooth > 1 and ys.shape[1] >= n_smooth:
        ys = np.array([smooth(y, n_smooth) for y in ys])
        steps = steps[n_smooth - 1:]
    return steps, ys


def iqm(values, axis=0):
    """Mean of the middle 50% along axis (rliable's interquartile mean)."""
    v = np.sort(values, axis=axis)
    n = v.shape[axis]
    k = int(np.floor(0.25 * n))
    return np.take(v, range(k, n - k), axis=axis).mean(axis=axis)


def bootstrap_band(values, stat, rng, resamples=2000):
    """(2.5%, 97.5%) percentiles of stat over resampled seeds; values is (seeds x points)."""
    n = values.shape[0]
    idx = rng.integers(0, n, size=(resamples, n))
    stats = np.array([stat(values[i], axis=0) for i in idx])
    return np.percentile(stats, 2.5, axis=0), np.percentile(stats, 97.5, axis=0)


def steps_to(steps, y, threshold):
    hit = np.nonzero(y >= threshold)[0]
    return float(steps[hit[0]]) if len(hit) else None


def plot_terms(groups, out, title, n_smooth):
    names = sorted({t for runs in groups.values() for r in runs for t in r["terms"]})
    if not names:
        return None
    fig, axes = plt.subplots(1, len(names), figsize=(4.2 * len(names), 3.6), squeeze=False)
    for ax, name in zip(axes[0], names):
        for label, runs in groups.items():
            have = [r for r in runs if name in r["terms"] and len(r["ep_step"])]
            if not have:
                continue
            end = min(r["ep_step"][-1] for r in have)
            steps = np.linspace(0, end, GRID_POINTS)
            ys = np.array([np.interp(steps, r["ep_step"], r["terms"][name]) for r in have])
            mean = smooth(ys.mean(axis=0), n_smooth)
            ax.plot(steps[len(steps) - len(mean):], mean, label=label)
        ax.set_title(f"term {name}")
        ax.set_xlabel("env steps")
        ax.grid(alpha=0.3)
    axes[0][0].set_ylabel("episode sum")
    axes[0][-1].legend(fontsize=7)
    fig.suptitle(title)
    fig.tight_layout()
    stem, ext = os.path.splitext(out)
    path = f"{stem}_terms{ext}"
    fig.savefig(path, dpi=120)
    return path


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("inputs", nargs="+")
    parser.add_argument("--out", required=True)
    parser.add_argument("--metric", choices=["eval", "train"], default="eval")
    parser.add_argument("--iqm", action="store_true")
    parser.add_argument("--smooth", type=int, default=1)
    parser.add_argument("--terms", action="store_true")
    parser.add_argument("--threshold", type=float)
    parser.add_argument("--title", default="")
    args = parser.parse_args()

    groups = collect(args.inputs)
    if not groups:
        raise SystemExit("rewardlab plot: no run with a run.h5 in " + " ".join(args.inputs))
    stat = iqm if args.iqm else np.mean
    rng = np.random.default_rng(0)
    fig, ax = plt.subplots(figsize=(7, 4.2))
    rows = []
    for label, runs in groups.items():
        # a run that has just started has no row of this metric yet
        runs = [r for r in runs if len(r["eval_step" if args.metric == "eval" else "ep_step"])]
        if not runs:
            print(f"rewardlab plot: skipped {label}: no {args.metric} rows yet")
            continue
        steps, ys = curves(runs, args.metric, args.smooth)
        centre = stat(ys, axis=0)
        lo, hi = bootstrap_band(ys, stat, rng)
        (line,) = ax.plot(steps, centre, label=f"{label} ({len(runs)} seeds)")
        ax.fill_between(steps, lo, hi, color=line.get_color(), alpha=0.2)
        finals = ys[:, -1]
        hits = []
        if args.threshold is not None:
            hits = [h for h in (steps_to(steps, y, args.threshold) for y in ys) if h is not None]
        # CleanRL's protocol: the mean env return of each seed's last 100 training episodes
        last100 = np.array([r["ep_return"][-100:].mean() if len(r["ep_return"]) else np.nan
                            for r in runs])
        rows.append({"group": label, "seeds": len(runs), "final_step": int(steps[-1]),
                     "final_mean": finals.mean(), "final_std": finals.std(),
                     "final_iqm": iqm(finals),
                     "last100_train_mean": last100.mean(), "last100_train_std": last100.std(),
                     "steps_to_threshold": np.mean(hits) if hits else "",
                     "seeds_reaching": len(hits) if args.threshold is not None else ""})
    if not rows:
        raise SystemExit(f"rewardlab plot: no run has {args.metric} rows yet")
    ax.set_xlabel("env steps")
    ax.set_ylabel(("evaluation" if args.metric == "eval" else "training") + " return (env reward)"
                  + (" — IQM" if args.iqm else ""))
    ax.set_title(args.title)
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(args.out, dpi=120)
    terms_path = plot_terms(groups, args.out, args.title, args.smooth) if args.terms else None

    stem = os.path.splitext(args.out)[0]
    with open(stem + ".csv", "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    threshold = "" if args.threshold is None else f" ≥ {args.threshold:g}"
    md = [f"| group | seeds | env steps | final {args.metric} return (mean ± std) | IQM | "
          f"last-100 training episodes | env steps to return{threshold} |",
          "|---|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        reach = ""
        if args.threshold is not None:
            reach = (f"{r['steps_to_threshold']:.0f} ({r['seeds_reaching']}/{r['seeds']} seeds)"
                     if r["seeds_reaching"] else f"never (0/{r['seeds']})")
        md.append(f"| {r['group']} | {r['seeds']} | {r['final_step']} | "
                  f"{r['final_mean']:.2f} ± {r['final_std']:.2f} | "
                  f"{r['final_iqm']:.2f} | "
                  f"{r['last100_train_mean']:.2f} ± {r['last100_train_std']:.2f} | {reach} |")
    with open(stem + ".md", "w") as f:
        f.write("\n".join(md) + "\n")
    print("\n".join(md))
    print(f"wrote {args.out}, {stem}.csv, {stem}.md" + (f", {terms_path}" if terms_path else ""))


if __name__ == "__main__":
    try:
        main()
    except InputError as e:
        print(f"rewardlab: error: {e}", file=sys.stderr)
        sys.exit(2)
