"""Writes pretrained/README.md (to stdout) from the model cards: every figure comes from a card."""

import glob
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))


def fmt(x, spec=".3f"):
    return "n/a" if x is None else format(x, spec)


# GlassBench (Jung et al., "Roadmap on machine learning glassy dynamics", 2025), KA3D T = 0.64,
# N = 4096, 400 training configurations, 32-replica test propensities: BOTAN's type-A Pearson
PUBLISHED_BOTAN = {0.52: 0.878, 5.2: 0.719, 16.5: 0.661}


def n4096_table(cards):
    """The T = 0.64 models on the N = 4096 test set (metrics.test_N4096_32_replicas_t<t>[_orient8])."""
    rows = []
    for c in cards:
        m = c.get("metrics", {})
        for key in sorted(k for k in m if k.startswith("test_N4096_32_replicas_t") and not k.endswith("_orient8")):
            one, avg = m[key], m.get(key + "_orient8", {})
            t = float(one["time"])
            pub = PUBLISHED_BOTAN.get(round(t, 2)) if c["arch"] == "botan" else None
            rows.append(f"| `{c['name']}` | {t:g} | {len(one['files'])} | {fmt(one['mean'])} +- {fmt(one['std'])} | "
                        f"{fmt(avg.get('mean'))} | {fmt(one.get('edge_mean'))} | {fmt(avg.get('edge_mean'))} | "
                        f"{fmt(pub)} |")
    if not rows:
        return
    print("\n### T = 0.64, N = 4096, 32 replicas, GlassBench's times\n")
    print("`assets/datasets/ka3d_N4096_T0.64_test32` (20 configurations none of the models saw, 32 replicas,")
    print("made by `assets/datasets/make_ka3d_N4096.sh`): type-A Pearson (mean +- std over configurations) with")
    print("one orientation and averaged over 8 (`--orientations 8`), and the edges' Pearson, beside BOTAN's")
    print("published value (GlassBench, trained on 400 configurations of N = 4096).  The t = 8 models are")
    print("scored at the stored times on either side of theirs.\n")
    print("| model | t | configurations | Pearson | Pearson, 8 orientations | edges | edges, 8 orientations | published BOTAN |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(r)


def ensemble_table(cards):
    """Ensembles on the N = 4096 test set (metrics.ensemble_N4096_t<t>, benchmarks/ensemble.py)."""
    rows = []
    for c in cards:
        for key in sorted(k for k in c.get("metrics", {}) if k.startswith("ensemble_N4096_t")):
            e = c["metrics"][key]
            rows.append(f"| `{c['name']}` | {e['time']:g} | {len(e['members'])} | {fmt(e['single'])} | "
                        f"{', '.join(fmt(x) for x in e['members_pearson'])} | {fmt(e['mean'])} | "
                        f"{fmt(e['spread_error_spearman'])} | {fmt(e['error_low_spread_quartile'], '.4f')} / "
                        f"{fmt(e['error_high_spread_quartile'], '.4f')} | {fmt(e['spread_over_rms_error'], '.2f')} |")
    if not rows:
        return
    print("\n### Ensembles (`pretrained/train_ensembles.sh`, `python benchmarks/ensemble.py --record`)\n")
    print("Each bundled T = 0.64 BOTAN with 3 members fine-tuned for 3 epochs from it on bootstrap resamples")
    print("of its training configurations.  On the N = 4096 test set: type-A Pearson of the model alone, of")
    print("each member and of the ensemble mean (`propensity_mean@`); how the spread (`propensity_std@`)")
    print("tracks the error of the mean: Spearman(spread, |error|) over type-A particles, the mean |error|")
    print("in the lowest / highest quartile of spread, and mean spread / rms error.\n")
    print("| model | t | members | alone | each member | ensemble mean | Spearman(spread, abs error) | abs error, low / high spread | spread / rms error |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(r)


def learning_curve_table():
    """BOTAN against the number of training configurations (pretrained/learning_curve.py)."""
    for path in sorted(glob.glob(os.path.join(HERE, "learning_curve", "botan_t*.json"))):
        lc = json.load(open(path))
        t = lc["time"]
        print(f"\n### Learning curve, BOTAN at t = {t:g} (`pretrained/learning_curve.py`)\n")
        print(f"Trained from BOTAN's edge-pretrained weights on the first n configurations of `{lc['data']}`")
        print("(N = 4096, 8 replicas; 10 % held out for validation), the same number of optimiser steps for")
        print(f"every n of a curve (one step: one configuration); type-A Pearson on `{lc['test']}` (mean +- std")
        print(f"over its configurations), beside BOTAN's published {fmt(PUBLISHED_BOTAN.get(round(t, 2)))} (400 configurations, converged).\n")
        print("| steps | n | epochs (best) | validation Pearson | test Pearson | test edges | training time (s, 1 thread) |")
        print("|---|---|---|---|---|---|---|")
        for r in lc["rows"]:
            print(f"| {r['steps']} | {r['n']} | {r['epochs']} ({r['best_epoch']}) | {fmt(r['val_pearson'])} | "
                  f"{fmt(r['test_pearson'])} +- {fmt(r['test_pearson_std'])} | {fmt(r['test_edge_pearson'])} | "
                  f"{r['train_seconds']:.0f} |")
        for r in lc["rows"]:
            if r.get("note"):
                print(f"\n{r['steps']} steps, n = {r['n']}: {r['note']}.")
        for steps, f in lc.get("fit_log_n", {}).items():
            print(f"\nFit over the {steps}-step curve: r(n) = {f['a']:.3f} + {f['b']:.4f} ln n (rms residual "
                  f"{f['residual_rms']:.3f}), r(400) = {f['r_at_400']:.3f}.")


def main():
    cards = [json.load(open(p)) for p in sorted(glob.glob(os.path.join(HERE, "*.json")))]
    classifiers = [c for c in cards if c.get("kind") == "classifier"]
    cards = [c for c in cards if c.get("kind") == "propensity"]
    print("# Bundled models\n")
    print("## Propensity (NT-GNN, BOTAN)\n")
    print("Trained by glassviz (`pretrained/train_bundled.sh`), scored by `pretrained/evaluate_bundled.sh`;")
    print("this page is written by `pretrained/report.py` from the cards, where every number below is stored.\n")
    print("Pearson = mean over configurations of the Pearson correlation between prediction and")
    print("propensity on type-A particles; edges = BOTAN's pair-distance change, A-A pairs with r < 1.35.")
    print("Test data were never used for training or validation.  T = 0.64: the 10 test configurations")
    print("(N = 1000) of `assets/datasets/ka3d_iso_T0.64` with 64-replica averages")
    print("(`assets/datasets/ka3d_iso_T0.64_test64`; the 16-replica column is the same configurations with")
    print("the training data's 16 replicas, whose noise caps any predictor at ~0.71 at t = 16.5; at 64 replicas the cap is 0.90).")
    print("Orientations: Pearson range over the 48 cubic rotations/reflections of each test snapshot, and")
    print("the per-particle spread of the prediction over them in units of its spread over particles.\n")
    print("| model | arch | T | t | start | epochs (best) | validation | test, 16 replicas | test, 64 replicas | edges (64) | orientations: Pearson range, spread | licence |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for c in cards:
        if c.get("member_of"):  # in the ensembles' table
            continue
        m = c.get("metrics", {})
        ref = m.get("test_64_replicas") or m.get("reference_test") or {}
        rot = ref.get("rotations", {})
        tr = c.get("training", {})
        init = tr.get("init") or "scratch"
        init = os.path.basename(init)
        t16 = (m.get("test") or {}).get("pearson")
        rng = (f"{fmt(rot.get('pearson_min'))}..{fmt(rot.get('pearson_max'))}, {fmt(rot.get('spread'), '.2f')}"
               if rot else "n/a")
        t64 = ref.get("mean") if "test_64_replicas" in m else None
        if "reference_test" in m:
            t16 = ref.get("mean")
        print(f"| `{c['name']}` | {c['arch']} | {c['temperature']:g} | {c['time']:g} | {init} | "
              f"{tr.get('epochs_run')} ({tr.get('best_epoch')}) | {fmt(m.get('validation', {}).get('pearson'))} | "
              f"{fmt(t16)} | {fmt(t64)} | {fmt(ref.get('edge_mean'))} | {rng} | {c.get('licence')} |")
    n4096_table(cards)
    ensemble_table(cards)
    learning_curve_table()
    print("\nThe T = 0.44 BOTAN is scored on its 2 test files of the pyg_botan reference data (32 replicas);")
    print("published at T = 0.44, tau_alpha: BOTAN 0.752 (400 configurations for training).")
    print("Published at T = 0.64, t = 16.5 (N = 4096, 400 configurations): BOTAN 0.661, SE(3)-GNN 0.663,")
    print("GlassMLP 0.553.")
    if classifiers:
        print("\n## Structure classifiers (`pretrained/train_classifiers.sh`)\n")
        print("Accuracy on test configurations (split by configuration; a liquid and the glass quenched")
        print("from it are always in the same split).\n")
        print("| model | arch | system | classes | epochs (best) | validation accuracy | test accuracy | test accuracy per class | held out (new chains) | accepts | licence |")
        print("|---|---|---|---|---|---|---|---|---|---|---|")
        for c in classifiers:
            m = c.get("metrics", {})
            tr = c.get("training", {})
            test = m.get("test") or {}
            per = ", ".join(f"{k}: {v:.3f}" for k, v in (test.get("per_class") or {}).items())
            accepts = (c.get("accepts") or {}).get("box", "any box size")
            held = m.get("heldout_new_chains", {}).get("accuracy")
            print(f"| `{c['name']}` | {c['arch']} | {c['system']} | {', '.join(c['classes'])} | "
                  f"{tr.get('epochs_run')} ({tr.get('best_epoch')}) | {fmt(m.get('validation', {}).get('accuracy'))} | "
                  f"{fmt(test.get('accuracy'))} | {per} | {fmt(held)} | {accepts} | {c.get('licence')} |")
        print("\nCorrelations with the classical indicators (`python benchmarks/correlations.py --record`;")
        print("mean +- standard deviation over configurations, stored in the cards under `metrics.correlations`):\n")
        for c in classifiers:
            corr = c.get("metrics", {}).get("correlations")
            if corr:
                parts = [f"{k} {v['mean']:+.3f} +- {v['std']:.3f}" for k, v in corr.items()
                         if isinstance(v, dict) and "mean" in v]
                print(f"- `{c['name']}`: " + "; ".join(parts))
        for c in classifiers:
            if c.get("limitations"):
                print(f"\n**Limitation of `{c['name']}`:** {c['limitations']}")


if __name__ == "__main__":
    main()
