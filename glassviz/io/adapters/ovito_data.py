"""OVITO's ``DataCollection`` (and a ``Pipeline``, frame by frame) as a snapshot, when the
``ovito`` Python module is installed (it is only imported by OVITO's own objects).

The cell matrix is 3 x 4: columns a, b, c and the origin; ``cell.is2D`` marks a 2D cell.  Type
labels are the particle types' names, or their numeric ids when unnamed (OVITO's LAMMPS
readers); ids are the ``Particle Identifier`` property when present, else the order.
"""

from __future__ import annotations

import numpy as np

from glassviz.errors import InputError
from glassviz.io.adapters.cell import cell_snapshot
from glassviz.io.assemble import check_frame


def _is_pipeline(obj) -> bool:
    return hasattr(obj, "compute") and hasattr(obj, "source")


def n_frames(obj) -> int:
    return int(obj.source.num_frames) if _is_pipeline(obj) else 1


def read(obj, frame: int | None = None, dim: int | None = None, **_):
    if _is_pipeline(obj):
        k = check_frame("ovito.Pipeline", frame, n_frames(obj))
        data = obj.compute(k)
    else:
        k = check_frame("ovito.DataCollection", frame, 1)
        data = obj
    if not hasattr(data, "particles") or data.particles is None or data.cell is None:
        raise InputError(None, "the OVITO DataCollection holds no particles or no simulation cell")
    source = str(data.attributes.get("SourceFile", "ovito.DataCollection"))
    particles = data.particles
    cell = np.asarray(data.cell[...], dtype=np.float64)
    lattice, origin = cell[:, :3].T, cell[:, 3]
    if data.cell.is2D:
        lattice[2] = 0.0
    types = particles.particle_types
    if types is None:
        labels = np.ones(particles.count, dtype=np.int64)
    else:
        ids_to_label = {t.id: (t.name or t.id) for t in types.types}
        raw = np.asarray(types[...])
        named = any(isinstance(v, str) for v in ids_to_label.values())
        labels = np.asarray([str(ids_to_label.get(int(t), t)) if named else int(t) for t in raw])
    ids = None if particles.identifiers is None else np.asarray(particles.identifiers[...], dtype=np.int64)
    meta = {"frame": int(data.attributes.get("SourceFrame", k))}
    if "Timestep" in data.attributes:
        meta["timestep"] = int(data.attributes["Timestep"])
    return cell_snapshot(source, "ovito", np.asarray(particles.positions[...]), lattice, labels, ids=ids,
                         origin=origin, dim=dim, meta=meta)
