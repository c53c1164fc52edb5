"""Ensembles of the bundled BOTAN models on the N = 4096, 32-replica test set (issue 15).

    python benchmarks/ensemble.py [--configs 20] [--record] [--models NAME,...]

For each bundled T = 0.64 BOTAN with an ensemble (``pretrained/train_ensembles.sh``), at the
stored time nearest its own (t = 0.5 -> 0.52, 8 -> 5.2, 16.5 -> 16.5), over the test
configurations of ``assets/datasets/ka3d_N4096_T0.64_test32`` (none seen in training):

* type-A Pearson of the bundled model alone, of each member, and of the ensemble mean
  (``propensity_mean@MODEL``), mean +- std over configurations;
* how well the spread predicts the error: per configuration, over type-A particles, the
  Spearman correlation between sigma_i (``propensity_std@MODEL``) and |mean_i - p_i|, and the
  mean |error| in the lowest and highest quartile of sigma_i; and the ratio of the mean sigma to
  the rms error (1 would be a calibrated Gaussian spread; a member-to-member spread without the
  data noise is expected below).

``--record`` stores the figures in the model's card under ``metrics.ensemble_N4096_t<t>``.
"""

from __future__ import annotations

import argparse
import glob
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TEST = os.path.join(ROOT, "assets", "datasets", "ka3d_N4096_T0.64_test32")
TIMES = {"botan_ka3d_T0.64_t0.5": 0.52, "botan_ka3d_T0.64_t8": 5.2, "botan_ka3d_T0.64_t16.5": 16.5}


def main() -> None:
    import numpy as np
    from scipy.stats import spearmanr

    import glassviz
    from glassviz.dynamics import propensity
    from glassviz.fields import compute_fields
    from glassviz.models.store import ensemble_members, list_cards, record_metrics

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--configs", type=int, default=20)
    ap.add_argument("--record", action="store_true")
    ap.add_argument("--models", default=",".join(TIMES), help="comma-separated bundled BOTAN names")
    args = ap.parse_args()
    files = sorted(glob.glob(os.path.join(TEST, "config_*.npz")))[:args.configs]
    cards = {c["name"]: c for c in list_cards()}
    for name in args.models.split(","):
        t = TIMES[name]
        members = ensemble_members(cards.get(name, {}))
        if len(members) < 2:
            print(f"{name}: no ensemble")
            continue
        single, each, mean, rho, low, high, ratio = [], [], [], [], [], [], []
        for path in files:
            snap = glassviz.load(path)
            a = snap.species == 0
            truth = propensity(snap, t)[a]
            # one context: the ensemble's fields reuse the members' predictions
            names = [f"propensity@{x}" for x in members] + [f"propensity_mean@{name}", f"propensity_std@{name}"]
            out = compute_fields(snap, names)
            preds = np.stack([out[f"propensity@{x}"][a] for x in members])
            m, sd = out[f"propensity_mean@{name}"][a], out[f"propensity_std@{name}"][a]
            err = np.abs(m - truth)
            single.append(np.corrcoef(preds[0], truth)[0, 1])
            each.append([np.corrcoef(p, truth)[0, 1] for p in preds])
            mean.append(np.corrcoef(m, truth)[0, 1])
            rho.append(spearmanr(sd, err).statistic)
            q1, q3 = np.quantile(sd, [0.25, 0.75])
            low.append(err[sd <= q1].mean())
            high.append(err[sd >= q3].mean())
            ratio.append(sd.mean() / np.sqrt(np.mean((m - truth) ** 2)))
        each = np.asarray(each)
        result = {"time": t, "members": members, "configurations": len(files),
                  "single": float(np.mean(single)), "single_std": float(np.std(single)),
                  "members_pearson": [float(x) for x in each.mean(0)],
                  "mean": float(np.mean(mean)), "mean_std": float(np.std(mean)),
                  "spread_error_spearman": float(np.mean(rho)), "spread_error_spearman_std": float(np.std(rho)),
                  "error_low_spread_quartile": float(np.mean(low)), "error_high_spread_quartile": float(np.mean(high)),
                  "spread_over_rms_error": float(np.mean(ratio))}
        print(f"{name} at t = {t} ({len(members)} members, {len(files)} configurations): single "
              f"{result['single']:.4f} +- {result['single_std']:.4f}; members "
              f"{', '.join(f'{x:.4f}' for x in result['members_pearson'])}; ensemble mean {result['mean']:.4f} "
              f"+- {result['mean_std']:.4f} (gain {result['mean'] - result['single']:+.4f})")
        print(f"    spread vs |error|: Spearman {result['spread_error_spearman']:.3f} +- "
              f"{result['spread_error_spearman_std']:.3f}; mean |error| {result['error_low_spread_quartile']:.4f} "
              f"(lowest spread quartile) vs {result['error_high_spread_quartile']:.4f} (highest); "
              f"mean spread / rms error {result['spread_over_rms_error']:.3f}")
        if args.record:
            record_metrics(name, f"ensemble_N4096_t{t:g}", result)


if __name__ == "__main__":
    main()
