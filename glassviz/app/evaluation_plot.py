"""Predicted against true propensity, one panel per model (``glassviz evaluate --plot``).

Each panel scatters the type-A particles of every evaluated snapshot (the particles the models
are scored on, DESIGN.md "Propensity"): x the ground truth from the isoconfigurational
ensemble, y the model's prediction, with the line y = x dotted.  The legend gives the score
glassviz reports: the Pearson correlation on type-A particles per snapshot, averaged over
snapshots.  Above ``max_points`` particles a fixed random subset is drawn (the title says so);
the points are rasterised in PDF and SVG so the file stays small while the text stays text.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from glassviz.app.plotstyle import COLUMN_IN, save, style
from glassviz.errors import GlassvizError

MAX_POINTS = 50_000


@dataclass
class EvaluationSeries:
    """One model's type-A truth and prediction pooled over the evaluated snapshots.

    truth, prediction : (M,) float, M type-A particles over all snapshots.
    pearson : mean over snapshots of the per-snapshot Pearson correlation.
    n_files : number of snapshots behind ``pearson``.
    """

    model: str
    truth: np.ndarray
    prediction: np.ndarray
    pearson: float
    n_files: int = 1

    @property
    def legend(self) -> str:
        over = f", mean of {self.n_files} snapshots" if self.n_files > 1 else ""
        return f"{self.model}\nPearson {self.pearson:.3f} (type A{over})"


def plot_evaluation(series: list[EvaluationSeries], path: str, time: float | None = None,
                    max_points: int = MAX_POINTS) -> str:
    """Draw one panel per model and write ``path`` (.pdf, .svg or .png)."""
    if not series:
        raise GlassvizError("no evaluation to draw")
    rng = np.random.default_rng(0)
    with style() as plt:
        fig, axes = plt.subplots(1, len(series), figsize=(COLUMN_IN * len(series), COLUMN_IN + 0.5), squeeze=False)
        for k, (ax, s) in enumerate(zip(axes[0], series)):
            truth = np.asarray(s.truth, dtype=float)
            pred = np.asarray(s.prediction, dtype=float)
            if truth.shape != pred.shape:
                raise GlassvizError(f"{s.model}: {truth.shape} truths but {pred.shape} predictions")
            shown = np.arange(len(truth))
            if len(shown) > max_points:
                shown = np.sort(rng.choice(len(truth), max_points, replace=False))
            ax.scatter(truth[shown], pred[shown], s=2, alpha=0.35, linewidths=0, color=f"C{k}", rasterized=True,
                       label=s.legend)
            lo = float(min(truth.min(), pred.min()))
            hi = float(max(truth.max(), pred.max()))
            ax.plot([lo, hi], [lo, hi], color="0.3", linestyle=":", linewidth=0.8, label="y = x")
            ax.set_xlabel("propensity (ensemble)" + (f", t = {time:g}" if time is not None else ""))
            ax.set_ylabel("predicted propensity")
            count = f"{len(truth)} type-A particles" if len(shown) == len(truth) else \
                f"{len(shown)} of {len(truth)} type-A particles"
            ax.set_title(f"({chr(97 + k)}) {count}", loc="left")
            # below the axes, where a long model name cannot cover the points or squeeze the panel
            ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18), markerscale=4)
        fig.tight_layout()
        return save(fig, path)
