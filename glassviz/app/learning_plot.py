"""Learning curves of a training run (``glassviz train --plot``), from the epoch log that
:class:`glassviz.train.loop.EpochLoop` keeps (``log.jsonl`` in the work directory; one entry per
epoch: ``epoch``, ``loss`` and the validation results as ``val_<name>``).

(a) the training loss (mean over the epoch) and, for classifiers, the validation loss, against
epoch on a logarithmic axis; (b) the validation scores against epoch: the type-A Pearson
(with its spread over validation configurations as a band) and BOTAN's edge Pearson for
propensity models, the accuracy for classifiers.  A dotted line marks the epoch whose weights
were kept (the best validation score).
"""

from __future__ import annotations

import json

import numpy as np

from glassviz.app.plotstyle import COLUMN_IN, save, style
from glassviz.errors import GlassvizError, InputError

SCORES = {  # log key -> legend label, in drawing order
    "val_pearson": "validation Pearson (type A)",
    "val_edge_pearson": "validation edge Pearson (A–A, r < 1.35)",
    "val_accuracy": "validation accuracy",
}
LOSSES = {"loss": "training loss", "val_loss": "validation loss"}


def read_log(path: str) -> list[dict]:
    """Entries of a ``log.jsonl``, one per epoch; when a resumed run wrote an epoch twice, the
    later entry wins."""
    entries = {}
    try:
        with open(path) as fh:
            for k, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    entry = json.loads(line)
                    entries[int(entry["epoch"])] = entry
                except (ValueError, KeyError, TypeError):
                    raise InputError(path, f"line {k} is not an epoch entry of a training log") from None
    except OSError as exc:
        raise InputError(path, f"cannot read ({exc.strerror})") from None
    return [entries[e] for e in sorted(entries)]


def best_epoch(log: list[dict]) -> int | None:
    """The epoch early stopping keeps: the highest ``val_score`` (classifiers) or
    ``val_pearson`` (propensity models); the first one on ties, as the loop does."""
    key = "val_score" if any("val_score" in e for e in log) else "val_pearson"
    scored = [(e[key], -e["epoch"]) for e in log if e.get(key) is not None and np.isfinite(e[key])]
    return -max(scored)[1] if scored else None


def plot_learning_curves(log: list[dict], path: str, title: str | None = None, best: int | None = None) -> str:
    """Draw the curves of ``log`` (epoch entries) and write ``path`` (.pdf, .svg or .png);
    ``best``: the epoch kept (default :func:`best_epoch`)."""
    log = sorted(log, key=lambda e: e["epoch"])
    if not log:
        raise GlassvizError("the training log is empty: no epoch to draw")
    epoch = np.array([e["epoch"] for e in log])
    best = best_epoch(log) if best is None else best

    def column(key):
        return np.array([e.get(key, np.nan) for e in log], dtype=float)

    with style() as plt:
        fig, (ax_loss, ax_score) = plt.subplots(1, 2, figsize=(2 * COLUMN_IN, 3.0))
        for key, label in LOSSES.items():
            values = column(key)
            if np.isfinite(values).any():
                ax_loss.plot(epoch, values, marker="o" if len(epoch) < 30 else None, label=label)
        ax_loss.set_yscale("log")
        ax_loss.set_ylabel("loss")
        for key, label in SCORES.items():
            values = column(key)
            if not np.isfinite(values).any():
                continue
            line, = ax_score.plot(epoch, values, marker="o" if len(epoch) < 30 else None, label=label)
            spread = column(key + "_std")
            if np.isfinite(spread).any():
                ax_score.fill_between(epoch, values - spread, values + spread, color=line.get_color(), alpha=0.2,
                                      linewidth=0)
        ax_score.set_ylabel("validation score")
        for k, ax in enumerate((ax_loss, ax_score)):
            if best is not None:
                ax.axvline(best, color="0.3", linestyle=":", linewidth=0.8, label=f"kept: epoch {best}")
            ax.set_xlabel("epoch")
            ax.set_title(f"({chr(97 + k)})", loc="left")
            # below the axes: noisy validation curves leave no free corner inside
            ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.3), ncol=1)
        if title:
            fig.suptitle(title)
        fig.tight_layout()
        return save(fig, path)
