"""Prints a rewardlab transitions file as JSON, read the documented way with h5py (docs/transitions.md):
shapes, attributes, and the env return and length of every finished episode, in the order they ended.

Used by tests/loop/transition_recorder_test.cc; run with the Debian interpreter: /usr/bin/python3.
"""
import json
import sys

import h5py

with h5py.File(sys.argv[1], "r", libver="latest", swmr=True) as f:
    attrs = {k: (v.item() if hasattr(v, "item") else v) for k, v in f.attrs.items()}
    reward = f["env_reward"][()]
    episode = f["episode"][()]
    ended = f["terminated"][()] | f["truncated"][()]
    sums = {}
    returns, lengths = [], []
    for r, e in zip(reward.tolist(), episode.tolist()):
        sums[e] = sums.get(e, 0.0) + r
    for row in ended.nonzero()[0].tolist():
        returns.append(sums[int(episode[row])])
        lengths.append(int(f["episode_step"][row]) + 1)
    out = {
        "attrs": attrs,
        "shapes": {k: list(f[k].shape) for k in f},
        "dtypes": {k: str(f[k].dtype) for k in f},
        "returns": returns,
        "lengths": lengths,
    }
    print(json.dumps(out))
