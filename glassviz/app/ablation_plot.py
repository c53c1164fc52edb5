"""The shell-ablation curve of one marked particle, in the manner of Bapst et al., Nat. Phys. 16,
448 (2020), Fig. 4: left, the prediction when only the hop shells <= n are kept; right, when the
shells > n are moved radially outward by delta.  Each panel shows the prediction against n
(markers joined by lines) and the prediction on the unmodified configuration as a dashed
horizontal line, which both curves reach once n covers the network's reach.

Input is the table of :meth:`glassviz.explain.ablation.ShellAblation.table` (columns ``n``,
``full``, ``keep``, ``stretch_delta_<delta>``), so ``glassviz ablate -o curve.pdf`` draws exactly
the numbers ``-o curve.csv`` writes.
"""

from __future__ import annotations

import numpy as np

from glassviz.app.plotstyle import COLUMN_IN, save, style
from glassviz.errors import GlassvizError

KEEP_COLOUR, STRETCH_COLOUR, FULL_COLOUR = "#1f77b4", "#d62728", "0.35"


def _modes(table) -> list[tuple[str, str, str]]:
    """(column, panel title, colour) of the modes present in the table."""
    out = []
    if "keep" in table.columns:
        out.append(("keep", "keep shells ≤ n", KEEP_COLOUR))
    stretch = [c for c in table.columns if c.startswith("stretch_delta_")]
    if stretch:
        delta = stretch[0][len("stretch_delta_"):]
        out.append((stretch[0], f"shells > n moved out by δ = {delta}", STRETCH_COLOUR))
    return out


def plot_ablation(table, path: str, title: str | None = None) -> str:
    """Draw the ablation ``table`` (one row per n) and write ``path`` (.pdf, .svg or .png).

    Panels: one per mode present (keep, stretch), sharing the y axis (the model's prediction for
    the marked particle); x is the shell index n; the full prediction is dashed in each.
    """
    modes = _modes(table)
    if not modes or len(table) == 0:
        raise GlassvizError("the ablation table holds no keep or stretch results to draw")
    n = np.asarray(table["n"], dtype=int)
    full = float(np.asarray(table["full"])[0])
    with style() as plt:
        fig, axes = plt.subplots(1, len(modes), figsize=(COLUMN_IN * len(modes) * 0.8 + 0.4, 2.5), sharey=True,
                                 squeeze=False)
        for k, (ax, (column, label, colour)) in enumerate(zip(axes[0], modes)):
            ax.axhline(full, color=FULL_COLOUR, linestyle="--", linewidth=1.0, label="full configuration")
            ax.plot(n, np.asarray(table[column], dtype=float), marker="o", color=colour,
                    label="keep" if column == "keep" else "stretch")
            ax.set_xticks(n)
            ax.set_xlabel("shell n")
            ax.set_title(f"({chr(97 + k)}) {label}", loc="left")
            ax.legend(loc="best")
        axes[0][0].set_ylabel("prediction for the marked particle")
        if title:
            fig.suptitle(title)
        fig.tight_layout()
        return save(fig, path)
