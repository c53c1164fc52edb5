"""Publication figures of per-particle fields (Oyama et al. 2023, Fig. 1 style): the chosen
fields as panels in a grid, each a map of the particles (discs of the species' size) coloured
by the field, with a colour bar, a panel letter and a line saying how the field was processed
(raw / coarse-grained / normalised / 1 - X).  3D snapshots show the slab of the 2D views.

The dashboard's export and ``glassviz export`` both call :func:`render`, so a figure made on
the command line is the one the dashboard makes for the same choices.  Drawn in the project's
style and written by :mod:`glassviz.app.plotstyle` (PDF and SVG keep text as text, PNG at 300 dpi).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from glassviz.app.labels import state_label, title_lines
from glassviz.app.plane import Slab, particle_radii, plane_view
from glassviz.app.plotstyle import FONT_PT, check_path, panel_letter, save, style
from glassviz.errors import GlassvizError
from glassviz.snapshot import species_mask

PANEL_WIDTH_IN = 2.3  # three panels fill a 7-inch two-column figure


@dataclass
class FigureSpec:
    fields: list
    xi: float = 0.0
    normalize: bool = False
    one_minus: list = field(default_factory=list)
    time: float | None = None
    slab: Slab = field(default_factory=Slab)
    cmap: str = "viridis"
    clim: tuple = (0.0, 100.0)
    opacity_field: str | None = None
    species: str | None = None
    columns: int = 3


def render(snapshot, values: dict, spec: FigureSpec, path: str) -> str:
    """Draw ``values`` (name -> (N,) shown values) for ``spec.fields`` and write ``path``
    (.pdf, .svg or .png).  Written under a temporary name, then renamed."""
    check_path(path)
    names = list(spec.fields)
    if not names:
        raise GlassvizError("no fields to draw")
    missing = [n for n in names if n not in values]
    if missing:
        raise GlassvizError(f"no values for field(s) {', '.join(missing)}")

    plane = plane_view(snapshot, spec.slab)
    rows = plane.rows
    rows_mask = species_mask(snapshot, spec.species)[rows]
    xy = plane.xy[rows_mask]
    shown_rows = rows[rows_mask]
    diam = 2.0 * particle_radii(snapshot)[shown_rows]
    alpha = None
    if spec.opacity_field:
        from glassviz.structure import minmax

        alpha = 0.05 + 0.95 * np.nan_to_num(minmax(values[spec.opacity_field]), nan=0.0)[shown_rows]

    ncol = min(spec.columns, len(names))
    nrow = -(-len(names) // ncol)
    x0, x1, y0, y1 = plane.extent
    aspect = (y1 - y0) / (x1 - x0)
    with style() as plt:
        from matplotlib.collections import EllipseCollection

        fig = plt.figure(figsize=(PANEL_WIDTH_IN * ncol, (0.8 * PANEL_WIDTH_IN * aspect + 0.55) * nrow + 0.2))
        for k, name in enumerate(names):
            ax = fig.add_subplot(nrow, ncol, k + 1)
            v = np.asarray(values[name], dtype=np.float64)
            finite = v[np.isfinite(v)]
            lo, hi = (np.percentile(finite, spec.clim) if len(finite) else (0.0, 1.0))
            if not hi > lo:
                lo, hi = lo - 0.5, lo + 0.5
            coll = EllipseCollection(diam, diam, np.zeros_like(diam), units="xy", offsets=xy,
                                     offset_transform=ax.transData, cmap=spec.cmap, linewidths=0)
            coll.set_array(v[shown_rows])
            coll.set_clim(lo, hi)
            if alpha is not None:
                coll.set_alpha(alpha)
            ax.add_collection(coll)
            ax.set_xlim(x0, x1)
            ax.set_ylim(y0, y1)
            ax.set_aspect("equal")
            ax.set_xticks([])
            ax.set_yticks([])
            lines = title_lines(name, spec.time if "@" not in name else None)
            lines.append(state_label(spec.xi, spec.normalize, name in spec.one_minus))
            ax.set_title("\n".join(lines), loc="left", fontsize=FONT_PT - 1)
            panel_letter(ax, k)
            fig.colorbar(coll, ax=ax, fraction=0.046, pad=0.03)
        where = ("" if snapshot.dim == 2 else
                 f"; slab {spec.slab.axis} = {spec.slab.position:.2f} L, thickness {spec.slab.thickness:g}")
        system = snapshot.system()
        t = snapshot.temperature
        fig.suptitle(f"{system.name if system else 'snapshot'}, N = {snapshot.n}"
                     + (f", T = {t:g}" if t is not None else "") + where, fontsize=FONT_PT, y=0.995)
        fig.tight_layout()
        return save(fig, path)


def export(snapshot, spec: FigureSpec, path: str, system: str | None = None) -> str:
    """Compute the fields of ``spec`` for ``snapshot`` and draw them (``glassviz export``)."""
    from glassviz.fields import compute_fields

    names = list(spec.fields)
    if spec.opacity_field and spec.opacity_field not in names:
        names.append(spec.opacity_field)
    values = compute_fields(snapshot, names, xi=spec.xi, normalize=spec.normalize, one_minus=spec.one_minus,
                            time=spec.time, system=system)
    return render(snapshot, values, spec, path)
