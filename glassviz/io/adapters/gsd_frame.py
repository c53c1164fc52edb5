"""An in-memory ``gsd.hoomd.Frame`` as a snapshot (the same conversion as GSD files,
:func:`glassviz.io.gsd_file.frame_snapshot`): HOOMD's centred box ``[Lx, Ly, Lz, xy, xz, yz]``,
``configuration.dimensions``, type names from ``particles.types``, image flags kept; a frame
has no particle ids, so ids are the order."""

from __future__ import annotations

from glassviz.errors import InputError
from glassviz.io.assemble import check_frame


def n_frames(obj) -> int:
    return 1


def read(obj, frame: int | None = None, dim: int | None = None, **_):
    from glassviz.io.gsd_file import frame_snapshot

    if not hasattr(obj, "particles") or not hasattr(obj, "configuration"):
        raise InputError(None, f"cannot read a {type(obj).__name__} from gsd: give a gsd.hoomd.Frame")
    check_frame("gsd.hoomd.Frame", frame, 1)
    return frame_snapshot(obj, f"gsd.hoomd.Frame(step {int(obj.configuration.step or 0)})", 0, dim, fmt="gsd-frame")
