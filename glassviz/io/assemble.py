"""Turning what a reader parsed into a :class:`~glassviz.snapshot.Snapshot` (shared by all readers)."""

from __future__ import annotations

import os
import re

import numpy as np

from glassviz.errors import InputError
from glassviz.snapshot import Snapshot, check_finite, wrap

_T_IN_NAME = re.compile(r"(?:^|[_\-./])T(\d+(?:\.\d+)?)(?=$|[_\-./])")


def temperature_from_name(path) -> float | None:
    """Temperature written in a file name as ``..._T0.44_...`` or ``T0.44.dump``, else None."""
    m = _T_IN_NAME.search(os.path.basename(os.fspath(path)))
    return float(m.group(1).rstrip(".")) if m else None


def species_from_labels(path, labels: np.ndarray) -> tuple[np.ndarray, tuple]:
    """Map raw type labels to 0-based species indices in sorted label order.

    Numeric labels sort numerically (LAMMPS 1, 2, 10), text labels alphabetically.
    """
    labels = np.asarray(labels)
    if labels.dtype.kind in "iu":
        uniq, species = np.unique(labels, return_inverse=True)
        return species.astype(np.int64), tuple(int(u) for u in uniq)
    if labels.dtype.kind == "f":
        if not np.all(np.isfinite(labels)) or np.any(labels != np.round(labels)):
            raise InputError(path, "type column holds non-integer values")
        uniq, species = np.unique(labels.astype(np.int64), return_inverse=True)
        return species.astype(np.int64), tuple(int(u) for u in uniq)
    text = labels.astype(str)
    try:
        as_int = text.astype(np.int64)
        return species_from_labels(path, as_int)
    except ValueError:
        uniq, species = np.unique(text, return_inverse=True)
        return species.astype(np.int64), tuple(str(u) for u in uniq)


def make_snapshot(path, *, fmt: str, positions: np.ndarray, h: np.ndarray, origin: np.ndarray,
                  labels, ids=None, images=None, unwrapped: bool = False, meta=None,
                  ensemble=None, columns=None) -> Snapshot:
    """Assemble a Snapshot from file-frame data.

    Parameters
    ----------
    positions : (N, d) coordinates in the file frame (may lie outside the box).
    h : (d, d) upper-triangular box matrix (columns = box vectors).
    origin : (d,) the box's lower corner in the file frame.
    labels : (N,) raw type labels.
    ids : (N,) ids or None (then 0..N-1, file order).
    images : (N, d) image flags given by the file, or None.
    unwrapped : the coordinates are unwrapped (keep the image counts they imply).
    columns : dict name -> (N,) numbers, the file's own per-particle columns (file order).
    """
    path = os.fspath(path)
    positions = np.asarray(positions, dtype=np.float64)
    n, dim = positions.shape
    check_finite(path, positions)
    h = np.asarray(h, dtype=np.float64)
    if not np.all(np.isfinite(h)) or np.any(np.diag(h) <= 0):
        raise InputError(path, f"box has non-positive or non-finite edge lengths {np.diag(h).tolist()}")
    centre = np.asarray(origin, dtype=np.float64) + h @ np.full(dim, 0.5)
    wrapped, implied = wrap(h, positions - centre)
    if images is not None:
        images = np.asarray(images, dtype=np.int64) + implied
    elif unwrapped:
        images = implied
    species, type_labels = species_from_labels(path, labels if labels is not None else np.ones(n, int))
    if ids is None:
        ids = np.arange(n, dtype=np.int64)
    meta = dict(meta or {})
    meta.setdefault("source", path)
    meta.setdefault("format", fmt)
    if meta.get("temperature") is None:
        meta["temperature"] = temperature_from_name(path)
    return Snapshot(positions=wrapped, species=species, type_labels=type_labels, ids=ids, h=h,
                    offset=centre, images=images, meta=meta, ensemble=ensemble, columns=columns or {})


def check_frame(path, frame: int | None, n_frames: int) -> int:
    """Resolve a frame index (negative counts from the end; None = first)."""
    if frame is None:
        return 0
    k = int(frame)
    if k < 0:
        k += n_frames
    if not 0 <= k < n_frames:
        raise InputError(path, f"frame {frame} is past the end (the file has {n_frames} frame(s), 0..{n_frames - 1})")
    return k
