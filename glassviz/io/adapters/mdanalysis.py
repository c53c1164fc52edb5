"""MDAnalysis ``Universe`` or ``AtomGroup`` as snapshots, one per trajectory frame.

``frame=K`` reads frame K of the trajectory (the trajectory is put back on the frame it was on).
The box comes from ``dimensions`` (lengths and angles, converted by
``MDAnalysis.lib.mdamath.triclinic_vectors``); positions are MDAnalysis' float32 coordinates.
Type labels are the atoms' ``types`` (LAMMPS types "1", "2" sort numerically), ids their
``ids``.  An AtomGroup keeps only its atoms, in its order.
"""

from __future__ import annotations

import numpy as np

from glassviz.errors import InputError
from glassviz.io.adapters.cell import cell_snapshot
from glassviz.io.assemble import check_frame


def _group(obj):
    atoms = getattr(obj, "atoms", None)
    if atoms is None or not hasattr(atoms, "positions"):
        raise InputError(None, f"cannot read a {type(obj).__name__} from MDAnalysis: give a Universe or an AtomGroup")
    return atoms


def n_frames(obj) -> int:
    return len(_group(obj).universe.trajectory)


def read(obj, frame: int | None = None, dim: int | None = None, **_):
    from MDAnalysis.lib.mdamath import triclinic_vectors

    ag = _group(obj)
    traj = ag.universe.trajectory
    name = getattr(traj, "filename", None) or f"MDAnalysis.{type(obj).__name__}"
    k = check_frame(name, frame, len(traj))
    here = traj.ts.frame
    try:
        ts = traj[k]
        dims = ts.dimensions
        positions = np.array(ag.positions, dtype=np.float64)
        step = ts.data.get("step") if hasattr(ts, "data") else None
    finally:
        traj[here]
    if dims is None or not np.all(np.isfinite(dims)) or np.any(np.asarray(dims[:3]) <= 0):
        raise InputError(name, f"frame {k} has no periodic box (dimensions {None if dims is None else list(dims)})")
    try:
        labels = np.asarray(ag.types)
    except Exception:  # noqa: BLE001 - a topology without types: one species
        labels = np.ones(len(ag), dtype=np.int64)
    meta = {"frame": k}
    if step is not None:
        meta["timestep"] = int(step)
    return cell_snapshot(name, "mdanalysis", positions, triclinic_vectors(dims, dtype=np.float64), labels,
                         ids=np.asarray(ag.ids, dtype=np.int64), dim=dim, meta=meta)
