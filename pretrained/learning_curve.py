"""Learning curve of BOTAN on the N = 4096 KA3D T = 0.64 training set (issue 15): how the type-A
Pearson on the 32-replica test set grows with the number of training configurations.

Each point trains BOTAN with the bundled models' recipe (``glassviz train botan``: Adam 1e-4,
gradient clip 1, random cubic turns, loss 0.4 MSE(nodes) + 0.6 MSE(edges), started from BOTAN's
published edge-pretrained weights, pyg_botan ``initial_model/model1.pth``) on the first ``n``
configurations of the training set (the set interleaves its 8 chains, so every ``n`` draws on all
of them), 10 % of them held out for validation (the best validation epoch is kept), for the same
number of optimiser steps at every ``n`` (``--steps``: one step is one configuration), so that
the points differ in data, not in compute.  The test set is
``assets/datasets/ka3d_N4096_T0.64_test32`` (20 configurations, 32 replicas, from chains that the
training set does not share).

The curve is summarised by a fit of the test Pearson against ``log n``,
``r(n) = a + b ln n`` (least squares over the points), and its value at n = 400, the size the
issue asks for; a straight line in ``ln n`` is the usual shape of such curves below saturation,
so the extrapolation is an estimate, said to be one.

Runs resume: ``glassviz train`` resumes from its work directory, and a point already in the
results file is not trained again.  One thread, so that the machine stays usable beside the MD::

    OMP_NUM_THREADS=1 nohup python pretrained/learning_curve.py \\
        --data ~/glassviz-data/ka3d_N4096_T0.64_train8 --time 0.52 --sizes 12,25,50,90 \\
        --steps 400 > learning_curve.log 2>&1 &

A longer ``--steps`` adds another curve (rows keyed by ``n`` and the step budget), which tells
whether the points are limited by data or by compute.

Results: ``pretrained/learning_curve/botan_t<time>.json`` (one row per ``n`` and budget) and the training
logs beside it; the models themselves go to ``--store`` (outside the repository by default).
"""

from __future__ import annotations

import argparse
import glob
import json
import math
import os
import subprocess
import sys
import time as clock

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from glassviz.train.propensity import split_files  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
TEST = os.path.join(ROOT, "assets", "datasets", "ka3d_N4096_T0.64_test32")
INIT = os.path.join(ROOT, "..", "shared", "data", "pyg_botan", "initial_model", "model1.pth")
VAL_FRAC = 0.1


def glassviz(*args: str, env: dict) -> str:
    """Runs the glassviz command line; its standard output."""
    done = subprocess.run([sys.executable, "-m", "glassviz.cli", *args], env=env, check=True,
                          stdout=subprocess.PIPE, text=True)
    return done.stdout


def fit_log(points: list[tuple[int, float]]) -> dict:
    """Least-squares ``r = a + b ln n`` over ``points`` ((n, r) pairs) and its value at n = 400."""
    n = np.log([p[0] for p in points])
    r = np.array([p[1] for p in points])
    b, a = np.polyfit(n, r, 1)
    return {"a": float(a), "b": float(b), "r_at_400": float(a + b * math.log(400)),
            "residual_rms": float(np.sqrt(np.mean((a + b * n - r) ** 2)))}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", required=True, help="the training set's folder (config_*.npz)")
    ap.add_argument("--time", type=float, default=0.52)
    ap.add_argument("--sizes", default="12,25,50,90", help="numbers of configurations, comma-separated")
    ap.add_argument("--steps", type=int, default=400, help="optimiser steps (configurations seen) per point")
    ap.add_argument("--store", default=os.path.expanduser("~/glassviz-data/learning_curve"),
                    help="where the trained models and their work directories go")
    args = ap.parse_args(argv)

    files = sorted(glob.glob(os.path.join(args.data, "config_*.npz")))
    tests = sorted(glob.glob(os.path.join(TEST, "config_*.npz")))
    out_dir = os.path.join(HERE, "learning_curve")
    os.makedirs(out_dir, exist_ok=True)
    results_path = os.path.join(out_dir, f"botan_t{args.time:g}.json")
    results = json.load(open(results_path)) if os.path.exists(results_path) else {"rows": []}
    done = {(row["n"], row["steps_asked"]) for row in results["rows"]}
    # this checkout's glassviz, whichever one pip installed
    env = dict(os.environ, GLASSVIZ_HOME=args.store, PYTHONPATH=ROOT)
    os.makedirs(args.store, exist_ok=True)

    for n in (int(s) for s in args.sizes.split(",")):
        if (n, args.steps) in done:
            continue
        if n > len(files):
            print(f"skip n = {n}: the training set has {len(files)} configurations so far", flush=True)
            continue
        n_train = len(split_files(files[:n], VAL_FRAC, 0.0, seed=0)["train"])  # the split train makes
        epochs = math.ceil(args.steps / n_train)
        name = f"lc_botan_t{args.time:g}_n{n}_s{args.steps}"
        work = os.path.join(args.store, "runs", name)
        start = clock.time()
        if not os.path.exists(os.path.join(args.store, "models", name + ".json")):
            glassviz("train", "botan", *files[:n], "--time", str(args.time), "--init", INIT,
                     "--val-frac", str(VAL_FRAC), "--test-frac", "0", "--epochs", str(epochs),
                     "--patience", str(epochs), "--seed", "0", "--licence", "Apache-2.0", "-o", name,
                     "--store", os.path.join(args.store, "models"), "--workdir", work, "-q", env=env)
        trained = clock.time() - start
        score = json.loads(glassviz("evaluate", "--model", name, *tests, "--time", str(args.time), "--json", "-q",
                                    env=env))
        card = json.load(open(os.path.join(args.store, "models", name + ".json")))
        log = [json.loads(line) for line in open(os.path.join(work, "log.jsonl"))]
        with open(os.path.join(out_dir, name + ".jsonl"), "w") as f:
            f.writelines(json.dumps(row) + "\n" for row in log)
        row = {"n": n, "n_train": n_train, "epochs": epochs, "steps_asked": args.steps, "steps": epochs * n_train,
               "best_epoch": card["training"].get("best_epoch"),
               "val_pearson": max(r["val_pearson"] for r in log),
               "test_pearson": score["mean"], "test_pearson_std": score["std"],
               "test_edge_pearson": score.get("edge_mean"), "test_configurations": len(tests),
               "train_seconds": round(trained, 1)}
        print(json.dumps(row), flush=True)
        results["rows"] = sorted(results["rows"] + [row], key=lambda r: (r["steps_asked"], r["n"]))
        results.update({"time": args.time, "data": os.path.basename(os.path.normpath(args.data)),
                        "init": "pyg_botan initial_model/model1.pth", "test": os.path.relpath(TEST, ROOT)})
        # one fit per step budget: the curves differ in compute, each point of one curve in data only
        results["fit_log_n"] = {}
        for steps in sorted({r["steps_asked"] for r in results["rows"]}):
            points = [(r["n"], r["test_pearson"]) for r in results["rows"] if r["steps_asked"] == steps]
            if len(points) >= 2:
                results["fit_log_n"][str(steps)] = fit_log(points)
        with open(results_path, "w") as f:
            json.dump(results, f, indent=1)
    print(json.dumps(results.get("fit_log_n", {})))
    return 0


if __name__ == "__main__":
    sys.exit(main())
