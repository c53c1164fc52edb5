"""The display store: colour map and colour range of every view, and the slab of a 3D snapshot
that the 2D views show (its normal axis, position as a fraction of the box and thickness in σ)."""

from __future__ import annotations

import numpy as np
import param

from glassviz.app.plane import Slab, plane_view

CMAPS = ["viridis", "magma", "inferno", "plasma", "cividis", "coolwarm", "RdBu_r", "turbo"]


class Display(param.Parameterized):
    """How the views draw the shown values (shared by the 2D views, the 3D scene, the figure)."""

    cmap = param.Selector(default="viridis", objects=CMAPS)
    clim = param.Range(default=(0.0, 100.0), bounds=(0.0, 100.0),
                       doc="colour range as percentiles of each field's values")
    slab_axis = param.Selector(default="z", objects=["x", "y", "z"])
    slab_position = param.Number(default=0.5, bounds=(0.0, 1.0), step=0.01)
    slab_thickness = param.Number(default=2.0, bounds=(0.2, 50.0), step=0.1)

    def __init__(self, **params):
        super().__init__(**params)
        self.snapshot = None
        self._plane = None
        self._plane_key = None
        self._generation = 0

    def reset(self, snapshot) -> None:
        """A new snapshot: the slab is at most as thick as the box."""
        self.snapshot = snapshot
        self._generation += 1
        self._plane_key = None
        self.slab_thickness = min(self.slab_thickness, float(min(snapshot.heights)))

    def clear(self) -> None:
        """Drop the snapshot and its cached plane (a closed session)."""
        self.snapshot, self._plane, self._plane_key = None, None, None

    def slab(self) -> Slab:
        return Slab(self.slab_axis, self.slab_position, self.slab_thickness)

    def plane(self):
        """The :class:`~glassviz.app.plane.PlaneView` of the 2D views (cached)."""
        key = (self._generation, self.slab_axis, self.slab_position, self.slab_thickness)
        if key != self._plane_key:
            self._plane = plane_view(self.snapshot, self.slab())
            self._plane_key = key
        return self._plane

    def color_range(self, values: np.ndarray) -> tuple[float, float]:
        """(low, high) of the colour map: the ``clim`` percentiles of the finite values."""
        v = values[np.isfinite(values)]
        if len(v) == 0:
            return 0.0, 1.0
        lo, hi = np.percentile(v, self.clim)
        return (float(lo), float(hi)) if hi > lo else (float(lo) - 0.5, float(lo) + 0.5)

    def plane_axes(self) -> list[int]:
        """Indices of the two in-plane coordinates."""
        from glassviz.app.plane import AXES

        if self.snapshot.dim == 2:
            return [0, 1]
        return [k for k in range(3) if AXES[k] != self.slab_axis]
