"""A freud system, ``(box, points)`` or a ``freud.locality.NeighborQuery``, as a snapshot.

freud's convention: ``points`` (N, 3) Cartesian in a box centred on the origin; ``box`` a
``freud.box.Box`` or box-like (``[Lx, Ly]``, ``[Lx, Ly, Lz]``, ``[Lx, Ly, Lz, xy, xz, yz]``
with HOOMD's tilt factors; Lz = 0 or two lengths = 2D).  A freud Box holds float32 lengths, so
give the box as numbers for full precision.  A freud system has no types or ids:
``glassviz.load((box, points), types=..., ids=...)`` supplies them (default: one species, ids
0..N-1).
"""

from __future__ import annotations

import numpy as np

from glassviz.errors import InputError
from glassviz.io.assemble import check_frame, make_snapshot

SOURCE = "freud system"


def n_frames(obj) -> int:
    return 1


def _box(box):
    """(Lx, Ly, Lz, xy, xz, yz, dim) from a freud Box or box-like."""
    if type(box).__module__.split(".")[0] == "freud":
        return (float(box.Lx), float(box.Ly), float(box.Lz), float(box.xy), float(box.xz), float(box.yz),
                2 if box.is2D else 3)
    try:
        v = np.asarray(box, dtype=np.float64).reshape(-1)
    except (TypeError, ValueError):
        raise InputError(SOURCE, f"cannot read the box {box!r}") from None
    if len(v) == 2:
        return v[0], v[1], 0.0, 0.0, 0.0, 0.0, 2
    if len(v) in (3, 6):
        v = np.r_[v, np.zeros(6 - len(v))]
        return (*v[:6], 2 if v[2] == 0 else 3)
    raise InputError(SOURCE, f"a box-like has 2, 3 or 6 numbers, got {len(v)}")


def read(obj, frame: int | None = None, dim: int | None = None, types=None, ids=None, **_):
    check_frame(SOURCE, frame, 1)
    if isinstance(obj, tuple):
        box, points = obj
    else:  # NeighborQuery
        box, points = obj.box, obj.points
    Lx, Ly, Lz, xy, xz, yz, file_dim = _box(box)
    pos = np.asarray(points, dtype=np.float64)
    if pos.ndim != 2 or pos.shape[1] not in (2, 3) or len(pos) == 0:
        raise InputError(SOURCE, f"points must be (N, 3), got {pos.shape}")
    if dim is not None and dim != file_dim:
        raise InputError(SOURCE, f"cannot read as {dim}D: the box is {file_dim}D")
    if file_dim == 2:
        if pos.shape[1] == 3 and np.ptp(pos[:, 2]) != 0:
            raise InputError(SOURCE, "2D box but the points' z vary")
        h = np.array([[Lx, xy * Ly], [0.0, Ly]])
        pos = pos[:, :2]
    else:
        if pos.shape[1] != 3:
            raise InputError(SOURCE, "3D box but 2D points")
        h = np.array([[Lx, xy * Ly, xz * Lz], [0.0, Ly, yz * Lz], [0.0, 0.0, Lz]])
    n = len(pos)
    labels = np.zeros(n, dtype=np.int64) if types is None else np.asarray(types)
    if labels.shape != (n,):
        raise InputError(SOURCE, f"types has shape {labels.shape}, expected ({n},)")
    if ids is not None:
        ids = np.asarray(ids, dtype=np.int64)
        if ids.shape != (n,) or len(np.unique(ids)) != n:
            raise InputError(SOURCE, f"ids must be {n} distinct integers")
    return make_snapshot(SOURCE, fmt="freud", positions=pos, h=h, origin=-h @ np.full(file_dim, 0.5),
                         labels=labels, ids=ids, meta={"frame": 0})
