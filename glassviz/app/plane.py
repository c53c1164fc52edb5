"""What a 2D view shows of a snapshot: the particles of a slab, projected on its plane.

A 2D snapshot is its own plane.  For a 3D snapshot the slab is the set of particles whose
distance from the mid-plane along the normal axis is below half the thickness (periodic, in
fractional coordinates along the normal, so the slab wraps through the box):

    |s_a - p - round(s_a - p)| h_a < w / 2

with s_a the fractional coordinate along axis a, p the slab position (fraction of the box,
0..1), h_a the box height along a and w the thickness (LJ sigma).  The in-plane coordinates
are the two other Cartesian coordinates of the centred (freud) box.

Picking is periodic: the particle nearest to the cursor under the minimum-image convention of
the in-plane box, so a click at one edge finds a particle drawn at the other.  Box and lasso
selections take what is drawn inside the shape (no periodic images: what you see is what you
select).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from glassviz.errors import GlassvizError
from glassviz.snapshot import minimum_image

AXES = "xyz"


@dataclass(frozen=True)
class Slab:
    """axis: normal ('x', 'y' or 'z'); position: mid-plane as a fraction of the box (0..1);
    thickness: LJ sigma."""

    axis: str = "z"
    position: float = 0.5
    thickness: float = 2.0

    def __post_init__(self):
        if self.axis not in AXES:
            raise GlassvizError(f"slab axis must be x, y or z, got {self.axis!r}")
        if not self.thickness > 0:
            raise GlassvizError(f"slab thickness must be positive, got {self.thickness}")


@dataclass
class PlaneView:
    """Particles shown in a 2D view.

    rows : (M,) int64, snapshot row of each shown particle (ascending).
    xy : (M, 2) float64, in-plane coordinates.
    axes : the two in-plane axis names, e.g. ('x', 'y').
    h : (2, 2) in-plane box matrix (periodic picking).
    extent : (xmin, xmax, ymin, ymax) of the box in the plane.
    """

    rows: np.ndarray
    xy: np.ndarray
    axes: tuple
    h: np.ndarray
    extent: tuple

    def nearest(self, x: float, y: float, among: np.ndarray | None = None) -> int | None:
        """Snapshot row of the shown particle nearest to (x, y), periodic; ``among`` (M,) bool
        restricts the candidates (e.g. a species filter).  None when nothing is shown."""
        cand = np.arange(len(self.rows)) if among is None else np.flatnonzero(among)
        if len(cand) == 0:
            return None
        d = minimum_image(self.h, self.xy[cand] - np.array([x, y], dtype=np.float64))
        return int(self.rows[cand[np.argmin(np.einsum("ij,ij->i", d, d))]])

    def in_box(self, x0: float, x1: float, y0: float, y1: float) -> np.ndarray:
        """Snapshot rows drawn inside the rectangle."""
        xa, xb = sorted((x0, x1))
        ya, yb = sorted((y0, y1))
        x, y = self.xy[:, 0], self.xy[:, 1]
        return self.rows[(x >= xa) & (x <= xb) & (y >= ya) & (y <= yb)]

    def in_polygon(self, xs, ys) -> np.ndarray:
        """Snapshot rows drawn inside the polygon with vertices (xs, ys)."""
        from matplotlib.path import Path

        verts = np.column_stack([np.asarray(xs, float), np.asarray(ys, float)])
        if len(verts) < 3:
            return self.rows[:0]
        return self.rows[Path(verts).contains_points(self.xy)]


def plane_view(snapshot, slab: Slab | None = None) -> PlaneView:
    """The particles of ``snapshot`` a 2D view shows (all of them in 2D; the slab in 3D)."""
    pos, h = snapshot.positions, snapshot.h
    if snapshot.dim == 2:
        lo, hi = -0.5 * (h[:, 0] + h[:, 1]), 0.5 * (h[:, 0] + h[:, 1])
        return PlaneView(np.arange(snapshot.n), pos.copy(), ("x", "y"), h.copy(), (lo[0], hi[0], lo[1], hi[1]))
    slab = slab or Slab()
    a = AXES.index(slab.axis)
    inplane = [k for k in range(3) if k != a]
    frac = np.linalg.solve(h, pos.T).T[:, a] + 0.5
    dist = frac - slab.position
    dist -= np.round(dist)
    height = snapshot.heights[a]
    rows = np.flatnonzero(np.abs(dist) * height < 0.5 * slab.thickness)
    h2 = h[np.ix_(inplane, inplane)]
    half = 0.5 * np.abs(h2).sum(axis=1)
    return PlaneView(rows, pos[np.ix_(rows, inplane)], tuple(AXES[k] for k in inplane), h2,
                     (-half[0], half[0], -half[1], half[1]))


def particle_radii(snapshot) -> np.ndarray:
    """(N,) drawing radius: half the species' size (the system's additive sigma_aa, e.g. KA
    A 1.0, B 0.88), 0.5 for snapshots of no known system."""
    system = snapshot.system()
    if system is None:
        return np.full(snapshot.n, 0.5)
    diag = np.diag(system.sigma_matrix)
    return 0.5 * diag[np.minimum(snapshot.species, len(diag) - 1)]
