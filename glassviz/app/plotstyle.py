"""The one matplotlib style of glassviz figures and the one way they are written.

Every figure glassviz writes (``glassviz export``, the dashboard's export, ``ablate -o``,
``evaluate --plot``, ``train --plot``) is drawn inside :func:`style` and written by :func:`save`:
8 pt DejaVu Sans, text kept as text in PDF (TrueType, ``pdf.fonttype`` 42) and SVG, PNG at
300 dpi, sizes for a two-column paper (a 3.4-inch column, a 7-inch page).  Matplotlib only, on
the Agg backend; importing this module imports no plotting library.
"""

from __future__ import annotations

import contextlib
import os

from glassviz.errors import GlassvizError

FIGURE_FORMATS = (".pdf", ".svg", ".png")
FONT_PT = 8
DPI = 300
COLUMN_IN = 3.4  # one column of a two-column journal page
PAGE_IN = 7.0  # the full page width
RC = {
    "font.size": FONT_PT, "axes.titlesize": FONT_PT, "axes.labelsize": FONT_PT, "legend.fontsize": FONT_PT - 1,
    "xtick.labelsize": FONT_PT - 1, "ytick.labelsize": FONT_PT - 1, "font.family": "DejaVu Sans",
    "pdf.fonttype": 42, "svg.fonttype": "none", "axes.linewidth": 0.6, "lines.linewidth": 1.2,
    "lines.markersize": 3.5, "legend.frameon": False, "savefig.dpi": DPI,
}


def check_path(path: str) -> str:
    """The figure format of ``path`` ('.pdf', '.svg' or '.png'); one clear error otherwise."""
    ext = os.path.splitext(str(path))[1].lower()
    if ext not in FIGURE_FORMATS:
        raise GlassvizError(f"{path}: unknown figure format {ext or 'none'!r}; use .pdf, .svg or .png")
    parent = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(parent):
        raise GlassvizError(f"{path}: output directory {parent} does not exist")
    return ext


@contextlib.contextmanager
def style():
    """``with style(): fig = plt.figure(...)``: the project's rc settings, Agg backend."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    with plt.rc_context(RC):
        yield plt


def save(fig, path: str) -> str:
    """Write ``fig`` to ``path`` (format from the extension) under a temporary name, then
    rename it, so a failed write never leaves half a figure; the figure is closed."""
    import matplotlib.pyplot as plt

    ext = check_path(path)
    tmp = f"{path}.part{ext}"
    try:
        fig.savefig(tmp, dpi=DPI, format=ext[1:])
        os.replace(tmp, path)
    except OSError as exc:
        raise GlassvizError(f"{path}: cannot write ({exc.strerror or exc})") from None
    finally:
        plt.close(fig)
        if os.path.exists(tmp):
            os.remove(tmp)
    return path


def panel_letter(ax, k: int, x: float = -0.04) -> None:
    """The bold panel letter (a), (b), ... at the top left, outside the axes (``x`` in axes
    units: further left for panels with tick labels)."""
    ax.text(x, 1.0, f"({chr(97 + k)})", transform=ax.transAxes, ha="right", va="bottom", fontweight="bold")
