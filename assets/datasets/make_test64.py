"""Reference ensembles for testing the bundled T = 0.64 propensity models.

The 10 test configurations of ``ka3d_iso_T0.64`` (the split every bundled model uses: seed 0,
``glassviz.train.propensity.split_files``) get 48 more NVE replicas each, for a 64-replica
isoconfigurational average at t = 0.5, 8 and 16.5.  Why: with 16 replicas the noise of the
average is about half the particle-to-particle variance of the propensity at t = 16.5, so even
a perfect predictor would reach a Pearson of only ~0.71 against it; with 64 the ceiling is 0.90
and the measured Pearson is comparable to published values (which use 32+ replicas of N = 4096).

The new replicas start from the stored float32 positions (the float64 chain states are not
kept; the difference, ~1e-6, is far below anything a replica resolves) with fresh velocities
from ``derive_seed(64, "replica", k, 16 + r)``, so they never repeat the original replicas'
seeds.  All stored quantities are replica means, so the 64-replica values are exactly the
16/48-weighted means of the old and new ones.  Resumable: finished files are skipped.

    python assets/datasets/make_test64.py [--workers 1]
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import sys
from concurrent.futures import ProcessPoolExecutor

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.join(HERE, "ka3d_iso_T0.64")
TARGET = os.path.join(HERE, "ka3d_iso_T0.64_test64")
TIMES = [0.5, 8.0, 16.5]
NEW = 48


def _replica(args):
    from glassviz.simulate.protocols import replica

    state, k, r = args
    return replica("KA3D", state, 0.64, TIMES, seed=64, config=k, index=16 + r)


def extend(path: str, workers: int) -> dict:
    from glassviz.dynamics.ensemble import ensemble_averages
    from glassviz.io import dataset
    from glassviz.io.assemble import make_snapshot
    from glassviz.systems import get_system

    old = dataset.read_arrays(path)
    meta = dict(old["meta"]) if isinstance(old["meta"], dict) else json.loads(str(old["meta"]))
    k = int(meta["config"])
    x = np.asarray(old["positions"], np.float64)
    h = np.asarray(old["box"], np.float64)
    types = np.asarray(old["types"], np.int64)
    state = {"x": x, "image": np.zeros_like(x, dtype=np.int64), "v": np.zeros_like(x), "types": types, "h": h}
    with ProcessPoolExecutor(workers) as pool:
        reps = np.stack(list(pool.map(_replica, [(state, k, r) for r in range(NEW)])), axis=1)  # (T, R, N, d)
    snap = make_snapshot("<simulation>", fmt="memory", positions=x, h=h, origin=np.zeros(3), labels=types)
    new, pairs, change = ensemble_averages(snap, reps - snap.offset, get_system("KA3D").lj_sigma, 2.0,
                                           initial=x - snap.offset)
    rows = [int(np.flatnonzero(np.isclose(old["times"], t))[0]) for t in TIMES]
    n_old = int(meta["replicas"])
    w_old, w_new = n_old / (n_old + NEW), NEW / (n_old + NEW)
    arrays = {"positions": old["positions"], "types": old["types"], "box": old["box"], "times": np.array(TIMES)}
    for name in new:
        arrays[name] = (w_old * old[name][rows] + w_new * new[name]).astype(np.float32)
    # pairs with r(0) < 2: the same set up to float32 rounding at r = 2; keep the common ones
    n = len(x)
    key_old = old["edge_index"][:, 0].astype(np.int64) * n + old["edge_index"][:, 1]
    key_new = pairs[:, 0].astype(np.int64) * n + pairs[:, 1]
    common, i_old, i_new = np.intersect1d(key_old, key_new, assume_unique=True, return_indices=True)
    arrays["edge_index"] = old["edge_index"][i_old]
    arrays["edge_change"] = (w_old * old["edge_change"][rows][:, i_old] + w_new * change[:, i_new]).astype(np.float32)
    meta.update(replicas=n_old + NEW, protocol=meta["protocol"] + f"; {NEW} replicas added from the float32 "
                "positions (assets/datasets/make_test64.py)", dataset_card="card.json")
    arrays["meta"] = meta
    dataset.write(os.path.join(TARGET, os.path.basename(path)), arrays)
    return {"file": os.path.basename(path), "pairs_dropped": int(len(key_old) - len(common) + len(key_new) - len(common))}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workers", type=int, default=1)
    args = ap.parse_args()
    from glassviz.train.propensity import split_files

    files = split_files(sorted(glob.glob(os.path.join(SOURCE, "config_*.npz"))))["test"]
    os.makedirs(TARGET, exist_ok=True)
    card = json.load(open(os.path.join(SOURCE, "card.json")))
    card.update(configs=len(files), replicas=16 + NEW, times=TIMES,
                derived_from="ka3d_iso_T0.64 (its test split: seed 0)",
                command="python assets/datasets/make_test64.py",
                files={"configurations": [os.path.basename(f) for f in files]})
    for f in files:
        if os.path.exists(os.path.join(TARGET, os.path.basename(f))):
            continue
        print(extend(f, args.workers), flush=True)
    with open(os.path.join(TARGET, "card.json"), "w") as fh:
        json.dump(card, fh, indent=1)
        fh.write("\n")


if __name__ == "__main__":
    sys.exit(main())
