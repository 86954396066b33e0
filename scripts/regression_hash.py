"""Prints one SHA-256 per run file over what a training run decided: episodes, evaluations, losses
and recorded rollouts (every dataset outside metrics/charts, whose SPS columns are wall-clock).

Run with the Debian interpreter: /usr/bin/python3 scripts/regression_hash.py RUN.h5...
"""
import hashlib
import sys

import h5py


def digest(path):
    h = hashlib.sha256()
    with h5py.File(path, "r", libver="latest", swmr=True) as f:
        names = []
        f.visit(names.append)
        for name in sorted(names):
            obj = f[name]
            if not isinstance(obj, h5py.Dataset) or name.startswith("metrics/charts"):
                continue
            data = obj[()]
            h.update(name.encode())
            h.update(str(data.dtype).encode() + str(data.shape).encode())
            h.update(data.tobytes())
    return h.hexdigest()


for p in sys.argv[1:]:
    print(digest(p))
