"""Figures of per-snapshot correlation coefficients (``glassviz correlate -o FIG``).

* Many snapshots: Oyama et al. (2023) Fig. 3 -- one violin per pair and group, the groups side
  by side within a pair (grey levels dark to light in group order: by temperature the coldest
  first, glass then liquid as in the paper),
  quartiles as dashed lines across each violin.  The violin is a Gaussian kernel density
  estimate (Scott's bandwidth, scipy) of the coefficients, drawn between their minimum and
  maximum and scaled to the same maximum width.
* One trajectory (every row from one file): each pair's coefficient against time (timestep when
  the file has them, frame index otherwise), as Oyama et al. Fig. 4 plots C against time.

Matplotlib only (Agg), 8 pt type as the other glassviz figures; PDF/SVG keep text as text, PNG
at 300 dpi; written under a temporary name, then renamed.
"""

from __future__ import annotations

import os

import numpy as np

from glassviz.errors import GlassvizError

FIGURE_FORMATS = (".pdf", ".svg", ".png")
FONT_PT = 8
DPI = 300


def field_symbol(name: str, flipped: bool) -> str:
    """Oyama's symbol of a field (Γ, Υ, Θ, ...), ``1−Θ`` when shown as 1 - X."""
    from glassviz.app.labels import MODEL_KINDS, SYMBOLS

    if "@" in name:
        kind = name.split("@", 1)[0]
        sym = MODEL_KINDS.get(kind, (kind,))[0]
    else:
        sym = SYMBOLS.get(name, (name,))[0]
    return f"1−{sym}" if flipped else sym


def pair_label(pair_column: str, one_minus=()) -> str:
    """``C(gradcam@m,tong_tanaka)`` -> ``C(Γ, 1−Θ)``."""
    inner = pair_column[2:-1]
    a, b = _split_pair(inner)
    return f"C({field_symbol(a, a in one_minus)}, {field_symbol(b, b in one_minus)})"


def _split_pair(inner: str) -> tuple[str, str]:
    # field names never hold commas (the CLI splits --fields on them)
    a, _, b = inner.partition(",")
    return a, b


def _kde(values: np.ndarray, n: int = 200):
    from scipy.stats import gaussian_kde

    lo, hi = float(values.min()), float(values.max())
    if len(values) < 2 or hi - lo < 1e-12:
        return np.array([lo, hi]), np.array([1.0, 1.0])
    y = np.linspace(lo, hi, n)
    density = gaussian_kde(values)(y)
    return y, density / density.max()


def _violin(ax, x: float, values: np.ndarray, half_width: float, color) -> None:
    y, d = _kde(values)
    ax.fill_betweenx(y, x - half_width * d, x + half_width * d, facecolor=color, edgecolor="black", linewidth=0.5)
    for q in np.percentile(values, [25, 50, 75]):
        w = half_width * np.interp(q, y, d)
        ax.plot([x - w, x + w], [q, q], color="black", linestyle=(0, (3, 2)), linewidth=0.6)


def _save(fig, path: str) -> None:
    import matplotlib.pyplot as plt

    ext = os.path.splitext(path)[1].lower()
    tmp = path + ".part" + ext
    try:
        fig.savefig(tmp, dpi=DPI, format=ext[1:])
        os.replace(tmp, path)
    except OSError as exc:
        raise GlassvizError(f"{path}: cannot write ({exc.strerror or exc})") from None
    finally:
        plt.close(fig)
        if os.path.exists(tmp):
            os.remove(tmp)


def check_figure_path(path: str) -> str:
    ext = os.path.splitext(path)[1].lower()
    if ext not in FIGURE_FORMATS:
        raise GlassvizError(f"{path}: unknown figure format {ext or 'none'!r}; use .pdf, .svg or .png")
    parent = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(parent):
        raise GlassvizError(f"{path}: output directory {parent} does not exist")
    return ext


def draw(table, path: str, one_minus=(), method: str = "pearson", title: str | None = None) -> str:
    """Draw the coefficients of a :func:`~glassviz.analysis.snapshot_correlations.correlate`
    table to ``path`` (.pdf, .svg, .png): violins, or against time for one trajectory."""
    check_figure_path(path)
    with _style() as plt:
        _save(_compose(plt, table, one_minus, method, title, path), path)
    return path


def figure_bytes(table, fmt: str = "png", one_minus=(), method: str = "pearson", title: str | None = None,
                 dpi: int = DPI) -> bytes:
    """The figure of :func:`draw` as ``fmt`` (png, pdf, svg) bytes (the dashboard's Batch tab)."""
    import io

    with _style() as plt:
        fig = _compose(plt, table, one_minus, method, title, f"figure.{fmt}")
        buf = io.BytesIO()
        try:
            fig.savefig(buf, format=fmt, dpi=dpi)
        finally:
            plt.close(fig)
    return buf.getvalue()


def _style():
    import contextlib

    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    style = {"font.size": FONT_PT, "axes.titlesize": FONT_PT, "axes.labelsize": FONT_PT,
             "xtick.labelsize": FONT_PT, "ytick.labelsize": FONT_PT - 1, "legend.fontsize": FONT_PT - 1,
             "font.family": "DejaVu Sans", "pdf.fonttype": 42, "svg.fonttype": "none"}

    @contextlib.contextmanager
    def context():
        with plt.rc_context(style):
            yield plt

    return context()


def _compose(plt, table, one_minus, method: str, title: str | None, what: str):
    pairs = [c for c in table.columns if c.startswith("C(")]
    if not pairs or len(table) == 0:
        raise GlassvizError(f"{what}: no coefficients to draw")
    symbol = "C" if method == "pearson" else "ρ_s"
    labels = [pair_label(p, one_minus).replace("C(", f"{symbol}(", 1) for p in pairs]
    one_trajectory = table["file"].nunique() == 1 and len(table) > 1
    if one_trajectory:
        fig, ax = plt.subplots(figsize=(3.4, 2.4))
        steps = table.attrs.get("timestep") or [None] * len(table)
        use_steps = all(s is not None for s in steps)
        x = np.asarray(steps if use_steps else table["frame"], dtype=float)
        for p, label, marker in zip(pairs, labels, "os^vD<>ph*"):
            ax.plot(x, table[p], marker=marker, markersize=3, linewidth=0.8, label=label)
        ax.set_xlabel("timestep" if use_steps else "frame")
        ax.set_ylabel(f"{method.capitalize()} coefficient")
        ax.legend(frameon=False)
    else:
        present = set(table["group"])
        # the table's order (glassviz.analysis.snapshot_correlations.group_order), else as they appear
        groups = [g for g in table.attrs.get("group_order") or dict.fromkeys(table["group"]) if g in present]
        n_g = len(groups)
        greys = [str(g) for g in np.linspace(0.35, 0.85, n_g)] if n_g > 1 else ["0.6"]
        fig, ax = plt.subplots(figsize=(max(2.4, 0.9 * len(pairs) * max(1, n_g) / 1.6 + 0.8), 2.6))
        slot = 0.8 / n_g
        for k, p in enumerate(pairs):
            for g, (group, color) in enumerate(zip(groups, greys)):
                v = np.asarray(table.loc[table["group"] == group, p], dtype=float)
                v = v[np.isfinite(v)]
                if len(v):
                    _violin(ax, k - 0.4 + slot * (g + 0.5), v, 0.45 * slot, color)
        ax.set_xticks(range(len(pairs)), labels)
        ax.set_xlim(-0.6, len(pairs) - 0.4)
        ax.set_ylabel(f"{method.capitalize()} coefficient")
        if n_g > 1:
            from matplotlib.patches import Patch

            ax.legend([Patch(facecolor=c, edgecolor="black", linewidth=0.5) for c in greys], groups,
                      frameon=False, loc="best")
    ax.axhline(0.0, color="0.5", linewidth=0.5, zorder=0)
    if title is None:
        n = len(table)
        title = (os.path.basename(str(table["file"].iloc[0])) if one_trajectory
                 else f"{n} snapshot{'s' if n != 1 else ''}; dashed lines: quartiles")
    ax.set_title(title, loc="left")
    fig.tight_layout()
    return fig
