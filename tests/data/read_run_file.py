"""Prints a rewardlab run file as JSON (NaN as null), read the documented way with h5py.

Used by tests/core/run_file_smoke_test.cc; run with the Debian interpreter: /usr/bin/python3.
"""
import json
import sys

import h5py


def column(dataset):
    return [None if x != x else x for x in dataset[()].tolist()]


with h5py.File(sys.argv[1], "r", libver="latest", swmr=True) as f:
    attrs = {k: (v.item() if hasattr(v, "item") else v) for k, v in f.attrs.items()}
    out = {
        "attrs": attrs,
        "episodes": {k: column(f["episodes"][k]) for k in f["episodes"] if k != "terms"},
        "terms": {k: column(v) for k, v in f["episodes/terms"].items()},
        "eval_returns_shape": list(f["eval/returns"].shape),
        "eval_returns": f["eval/returns"][()].tolist(),
        "eval_return_mean": column(f["eval/return_mean"]),
        "sps": column(f["metrics/charts/SPS"]),
        "charts_step": column(f["metrics/charts/step"]),
        "approx_kl": column(f["metrics/losses/approx_kl"]),
        "rollout_return": column(f["rollouts/return"]),
        "rollout_offset": column(f["rollouts/offset"]),
        "rollout_action_shape": list(f["rollouts/action"].shape),
        "terminated_dtype": str(f["episodes/terminated"].dtype),
    }
    print(json.dumps(out))
