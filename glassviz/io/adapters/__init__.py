"""Snapshots from the objects of other Python libraries, one module per library.

``glassviz.load(obj, frame=None)`` (and so ``compute_fields`` on its result, the batch API and
the dashboard) takes:

==============================================  ==============================================
object                                          module
==============================================  ==============================================
``ase.Atoms`` (or a list of them: frames)       :mod:`glassviz.io.adapters.ase_atoms`
MDAnalysis ``Universe`` / ``AtomGroup``         :mod:`glassviz.io.adapters.mdanalysis`
``gsd.hoomd.Frame``                             :mod:`glassviz.io.adapters.gsd_frame`
freud ``(box, points)`` or ``NeighborQuery``    :mod:`glassviz.io.adapters.freud_system`
OVITO ``DataCollection`` (when ovito is there)  :mod:`glassviz.io.adapters.ovito_data`
a glassviz ``Snapshot``                         returned as it is
==============================================  ==============================================

The object is recognised by the module its class comes from, so none of these libraries is
imported unless the object is theirs.  Type labels and particle ids are kept (ase: the
``type`` array its LAMMPS readers fill, else the chemical symbols; ids from an ``id`` array,
else the order).  The optional dependencies are the ``adapters`` extra
(``pip install glassviz[adapters]``: ase, MDAnalysis; gsd and freud are dependencies anyway).
"""

from __future__ import annotations

import importlib

from glassviz.errors import InputError

_MODULES = {
    "ase": "glassviz.io.adapters.ase_atoms",
    "MDAnalysis": "glassviz.io.adapters.mdanalysis",
    "gsd": "glassviz.io.adapters.gsd_frame",
    "freud": "glassviz.io.adapters.freud_system",
    "ovito": "glassviz.io.adapters.ovito_data",
}


def _library(obj) -> str | None:
    root = type(obj).__module__.split(".")[0]
    if root in _MODULES:
        return root
    if isinstance(obj, (list, tuple)) and obj:
        if all(type(a).__module__.split(".")[0] == "ase" for a in obj):
            return "ase"  # frames, e.g. ase.io.read(path, index=":")
        if isinstance(obj, tuple) and len(obj) == 2 and getattr(obj[1], "ndim", 0) == 2:
            return "freud"  # freud's system convention: (box or box-like, points)
    return None


def adapter(obj):
    """The adapter module for ``obj``; a clear error for an object glassviz cannot take."""
    from glassviz.snapshot import Snapshot

    if isinstance(obj, Snapshot):
        return None
    lib = _library(obj)
    if lib is None:
        raise InputError(None, f"cannot read a {type(obj).__module__}.{type(obj).__name__}: glassviz.load takes a "
                         f"file path, an ase.Atoms, an MDAnalysis Universe/AtomGroup, a gsd.hoomd.Frame, a freud "
                         f"(box, points) system or an OVITO DataCollection")
    return importlib.import_module(_MODULES[lib])


def from_object(obj, frame: int | None = None, dim: int | None = None, **options):
    """The Snapshot of an in-memory object (see the module docstring)."""
    mod = adapter(obj)
    if mod is None:  # already a Snapshot
        from glassviz.io.assemble import check_frame

        check_frame(obj.source, frame, 1)
        if dim is not None and dim != obj.dim:
            raise InputError(obj.source, f"cannot read as {dim}D: the snapshot is {obj.dim}D")
        return obj
    return mod.read(obj, frame=frame, dim=dim, **options)


def n_frames_of(obj) -> int:
    """Number of frames an object holds (an MDAnalysis trajectory, a list of ase.Atoms; else 1)."""
    mod = adapter(obj)
    return 1 if mod is None else mod.n_frames(obj)
