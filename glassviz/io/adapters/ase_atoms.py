"""``ase.Atoms`` (and lists of them, e.g. ``ase.io.read(path, index=":")``) as snapshots.

Positions are Cartesian in ``atoms.cell`` (rows a, b, c; origin 0), see
:mod:`glassviz.io.adapters.cell`.  Type labels: the integer ``type`` array that ase's LAMMPS
readers fill, else the chemical symbols; ids: an ``id`` array when there is one, else the
order.  ``atoms.info`` values ``temperature``, ``timestep``, ``time`` go to ``meta``.
"""

from __future__ import annotations

import numpy as np

from glassviz.errors import InputError
from glassviz.io.adapters.cell import cell_snapshot
from glassviz.io.assemble import check_frame


def n_frames(obj) -> int:
    return len(obj) if isinstance(obj, (list, tuple)) else 1


def read(obj, frame: int | None = None, dim: int | None = None, **_):
    frames = list(obj) if isinstance(obj, (list, tuple)) else [obj]
    k = check_frame("ase.Atoms", frame, len(frames))
    atoms = frames[k]
    source = f"ase.Atoms({atoms.get_chemical_formula(mode='hill')})"
    if "type" in atoms.arrays and atoms.arrays["type"].dtype.kind in "iu":
        labels = np.asarray(atoms.arrays["type"])
    else:
        labels = np.asarray(atoms.get_chemical_symbols())
    ids = None
    for key in ("id", "ids", "identifier"):
        if key in atoms.arrays:
            ids = np.asarray(atoms.arrays[key], dtype=np.int64)
            if len(np.unique(ids)) != len(ids):
                raise InputError(source, f"duplicate particle ids in atoms.arrays[{key!r}]")
            break
    meta = {"frame": k}
    for key in ("temperature", "timestep", "time"):
        value = atoms.info.get(key)
        if isinstance(value, (int, float, np.integer, np.floating)):
            meta[key] = float(value) if key != "timestep" else int(value)
    return cell_snapshot(source, "ase", atoms.get_positions(), np.asarray(atoms.cell[:]), labels, ids=ids,
                         dim=dim, meta=meta)
