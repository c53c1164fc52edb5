"""HOOMD-blue GSD trajectories, through the ``gsd`` package.

Positions are already in freud's centred convention; ``configuration.box`` is
``[Lx, Ly, Lz, xy, xz, yz]`` with HOOMD's dimensionless tilt factors, and
``configuration.dimensions`` says 2 or 3.  GSD stores no particle ids: ids are the file order.

The user's per-particle columns (``Snapshot.columns``): ``charge``, ``mass`` and ``diameter`` when
the file stores them (not HOOMD's defaults), and every per-particle logged quantity
(``log/particles/...``, e.g. ``particles/md/pair/LJ/energies``) under its log name; a quantity of
m > 1 components becomes ``NAME[1]`` .. ``NAME[m]``.
"""

from __future__ import annotations

import os

import numpy as np

from glassviz.errors import InputError
from glassviz.io.assemble import check_frame, make_snapshot


def _open(path):
    import gsd.hoomd

    try:
        return gsd.hoomd.open(os.fspath(path), "r")
    except Exception as exc:  # gsd raises RuntimeError/OSError/ValueError for bad files
        raise InputError(path, f"not a readable GSD file ({exc.__class__.__name__}: {exc})") from None


def n_frames(path) -> int:
    if os.path.getsize(path) == 0:
        raise InputError(path, "empty file")
    with _open(path) as traj:
        return len(traj)


def read(path, frame: int | None = None, dim: int | None = None, **_):
    path = os.fspath(path)
    if os.path.getsize(path) == 0:
        raise InputError(path, "empty file")
    with _open(path) as traj:
        k = check_frame(path, frame, len(traj))
        try:
            f = traj[k]
        except Exception as exc:
            raise InputError(path, f"frame {k}: cannot be read ({exc})") from None
        columns = _user_columns(traj, f, k, int(f.particles.N or 0))
        return frame_snapshot(f, path, k, dim, fmt="gsd", columns=columns)


def frame_snapshot(f, source: str, k: int = 0, dim: int | None = None, fmt: str = "gsd",
                   columns: dict | None = None):
    """Snapshot of one ``gsd.hoomd.Frame`` (from a file or built in memory); ``columns``: the
    frame's own per-particle quantities (:func:`_user_columns`)."""
    where = f"frame {k}: " if fmt == "gsd" else ""
    if f.particles.position is None or f.configuration.box is None:
        raise InputError(source, f"{where}no particle positions or no box")
    pos = np.asarray(f.particles.position, dtype=np.float64)
    n = int(f.particles.N if f.particles.N is not None else len(pos))
    if n == 0:
        raise InputError(source, f"{where}no particles")
    Lx, Ly, Lz, xy, xz, yz = (float(v) for v in f.configuration.box)
    # an unvalidated in-memory frame may leave dimensions unset: GSD's default is 3, 2 for Lz = 0
    file_dim = int(f.configuration.dimensions or (2 if Lz == 0 else 3))
    typeid = np.zeros(n, dtype=np.int64) if f.particles.typeid is None else np.asarray(f.particles.typeid)
    names = list(f.particles.types or [])
    image = f.particles.image
    step = int(f.configuration.step or 0)
    if pos.shape != (n, 3):
        raise InputError(source, f"{where}positions have shape {pos.shape}, expected ({n}, 3)")
    if dim is not None and dim != file_dim:
        raise InputError(source, f"{where}cannot read as {dim}D: the {'file' if fmt == 'gsd' else 'frame'} "
                         f"is {file_dim}D")
    h = np.array([[Lx, xy * Ly, xz * Lz], [0.0, Ly, yz * Lz], [0.0, 0.0, Lz]])
    if file_dim == 2:
        h = h[:2, :2]
        pos = pos[:, :2]
        image = None if image is None else np.asarray(image)[:, :2]
    if typeid.size and names and typeid.max() >= len(names):
        raise InputError(source, f"{where}type id {typeid.max()} has no name in particles.types")
    labels = np.asarray(names, dtype=object)[typeid] if names else typeid
    origin = -h @ np.full(file_dim, 0.5)
    images = None
    if image is not None and np.any(image):
        images = np.asarray(image, dtype=np.int64)
    return make_snapshot(source, fmt=fmt, positions=pos, h=h, origin=origin,
                         labels=np.asarray(labels).astype(str), images=images,
                         meta={"frame": k, "timestep": step}, columns=columns or {})


def _user_columns(traj, f, k: int, n: int) -> dict:
    """Stored per-particle properties and logged per-particle quantities of frame ``k``."""
    def stored(chunk):  # gsd.hoomd gives frame 0's value when frame k does not repeat it
        return traj.file.chunk_exists(k, chunk) or traj.file.chunk_exists(0, chunk)

    out = {}
    for name in ("charge", "mass", "diameter"):
        if stored(f"particles/{name}"):
            out[name] = np.asarray(getattr(f.particles, name), dtype=np.float64)
    for key, value in f.log.items():
        value = np.asarray(value)
        if not key.startswith("particles/") or value.shape[:1] != (n,) or value.dtype.kind not in "biuf":
            continue
        if value.ndim == 1:
            out[key] = value.astype(np.float64)
        elif value.ndim == 2:
            for c in range(value.shape[1]):
                out[f"{key}[{c + 1}]"] = value[:, c].astype(np.float64)
    return out
