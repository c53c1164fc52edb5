"""Correlations between the classifiers' maps and the classical indicators (Oyama et al. 2023,
Fig. 3; Yoshikawa et al. 2025), over held-out configurations.

    python benchmarks/correlations.py [--cnn NAME] [--glasses DIR] [--attention NAME] [--only cnn|attention]
                                      [--record]

CNN: for every KA2D glass in ``--glasses`` (default: the held-out set
``assets/datasets/ka2d_T0.8_glass_T0.05_heldout`` when present, else the CNN's test glasses),
the Grad-CAM score Gamma (glass class), the Voronoi volume Upsilon and the Tong-Tanaka Theta,
each coarse-grained (xi = 3) and min-max normalised, then the Pearson coefficients
C(Gamma, Upsilon), C(Gamma, 1 - Theta), C(1 - Theta, Upsilon) per configuration; printed as mean
and standard deviation beside Oyama's values.  Attention: for the attention classifier's test
configurations, C(a, Upsilon), C(a, coordination), C(a, Theta) and C(a, q6) of the per-particle
attention (raw and coarse-grained, xi = 3; q6 the facet-weighted Steinhardt q6 over Voronoi
neighbours, the bond-orientational order Yoshikawa et al. read attention against).  ``--record`` writes the summaries into the model cards
(``metrics.correlations``).  Also prints the time of one class + Grad-CAM inference.
"""

from __future__ import annotations

import argparse
import glob
import os
import sys
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

OYAMA = {"ABM glasses": {"C(Gamma,Upsilon)": 0.552, "C(Gamma,1-Theta)": 0.403, "C(1-Theta,Upsilon)": 0.355},
         "KAM glasses": "C(Gamma,Upsilon) and C(Gamma,1-Theta) negative"}


def summary(rows: list[dict]) -> dict:
    return {k: {"mean": float(np.mean([r[k] for r in rows])), "std": float(np.std([r[k] for r in rows])),
                "n": len(rows)} for k in rows[0]}


def cnn_correlations(name: str, files: list[str]) -> dict:
    import glassviz
    from glassviz.analysis import correlation_table
    from glassviz.fields import compute_fields

    gamma = f"gradcam@{name}"
    rows, times = [], []
    for f in files:
        snap = glassviz.load(f)
        t0 = time.perf_counter()
        out = compute_fields(snap, [gamma, "voronoi_volume", "tong_tanaka"], xi=3.0, normalize=True,
                             one_minus=["tong_tanaka"])
        times.append(time.perf_counter() - t0)
        if np.std(out[gamma]) == 0:
            continue
        c = correlation_table(out)
        rows.append({"C(Gamma,Upsilon)": float(c.loc[gamma, "voronoi_volume"]),
                     "C(Gamma,1-Theta)": float(c.loc[gamma, "tong_tanaka"]),
                     "C(1-Theta,Upsilon)": float(c.loc["tong_tanaka", "voronoi_volume"])})
    res = summary(rows)
    res["skipped_flat_maps"] = len(files) - len(rows)
    res["seconds_per_configuration"] = float(np.median(times))
    return res


def attention_correlations(name: str, files: list[str]) -> dict:
    import glassviz
    from glassviz.analysis import correlation_table
    from glassviz.fields import FieldContext, compute_fields

    a = f"attention@{name}"
    others = {"Upsilon": "voronoi_volume", "coordination": "coordination", "Theta": "tong_tanaka",
              "q6": "steinhardt_q6"}
    rows = []
    for f in files:
        snap = glassviz.load(f)
        ctx = FieldContext(snap)  # one Voronoi tessellation for both xi
        row = {}
        for xi, tag in ((0.0, "raw"), (3.0, "xi3")):
            c = correlation_table(compute_fields(snap, [a, *others.values()], xi=xi, context=ctx))
            row.update({f"C(a,{label}) {tag}": float(c.loc[a, field]) for label, field in others.items()})
        rows.append(row)
    return summary(rows)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cnn", default="cnn_ka2d_T0.8_vs_T0.05")
    ap.add_argument("--glasses", default=None)
    ap.add_argument("--attention", default="attention_ka3d_T4")
    ap.add_argument("--only", choices=("cnn", "attention"), default=None, help="run one of the two tables")
    ap.add_argument("--record", action="store_true")
    args = ap.parse_args()
    if args.only != "attention":
        cnn_table(args)
    if args.only != "cnn":
        attention_table(args)


def cnn_table(args):
    from glassviz.models.store import load_model, record_metrics

    _, card = load_model(args.cnn)
    held = args.glasses or os.path.join(ROOT, "assets", "datasets", "ka2d_T0.8_glass_T0.05_heldout")
    glasses = sorted(glob.glob(os.path.join(held, "glass_*.npz")))
    source = held
    if not glasses:
        glasses = [f for f in card["training"]["files"]["test"] if os.path.basename(f).startswith("glass_")]
        source = "the CNN's test split"
    res = cnn_correlations(args.cnn, glasses)
    res["data"] = os.path.relpath(source, ROOT) if os.path.isabs(source) else source
    res["oyama"] = OYAMA
    print(f"{args.cnn} on {len(glasses)} KA2D glasses ({res['data']}), coarse-grained xi = 3, normalised:")
    for k in ("C(Gamma,Upsilon)", "C(Gamma,1-Theta)", "C(1-Theta,Upsilon)"):
        print(f"  {k:20s} {res[k]['mean']:+.3f} +- {res[k]['std']:.3f}   (Oyama ABM: {OYAMA['ABM glasses'][k]:+.3f})")
    print(f"  Oyama KAM: {OYAMA['KAM glasses']}; flat maps skipped: {res['skipped_flat_maps']}")
    print(f"  fields (class + Grad-CAM + Voronoi + Theta + coarse-graining) per configuration: "
          f"{res['seconds_per_configuration']:.3f} s (median)")
    if args.record:
        record_metrics(args.cnn, "correlations", res)


def attention_table(args):
    from glassviz.models.store import load_model, record_metrics

    _, acard = load_model(args.attention)
    files = acard["training"]["files"]["test"]
    ares = attention_correlations(args.attention, files)
    print(f"{args.attention} on its {len(files)} test configurations (KA3D):")
    for k, v in ares.items():
        print(f"  {k:26s} {v['mean']:+.3f} +- {v['std']:.3f}")
    if args.record:
        record_metrics(args.attention, "correlations", ares)


if __name__ == "__main__":
    main()
