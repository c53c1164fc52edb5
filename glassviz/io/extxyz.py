"""Extended XYZ (``Lattice="..." Properties=species:S:1:pos:R:3...``), as written by ASE and OVITO.

Recognised properties: ``pos`` (R:3 or R:2), ``species``/``type``/``element`` (type label),
``id`` (I:1); every other column is ignored by the reader.  ``Origin="x y z"`` (OVITO) sets the
cell's lower corner (default 0).  A general lattice is rotated into freud's upper-triangular
form.  The file is 2D when ``pbc`` has F in z and every z is equal, or when ``pos`` has two
components.
"""

from __future__ import annotations

import os
import re

import numpy as np

from glassviz.errors import InputError
from glassviz.io.assemble import check_frame, make_snapshot
from glassviz.snapshot import check_finite

_KV = re.compile(r'(\w+)\s*=\s*(?:"([^"]*)"|(\S+))')
_INDEX_CACHE: dict = {}
_TYPES = {"R": float, "I": int, "S": str, "L": str}


def frame_offsets(path) -> list[int]:
    path = os.fspath(path)
    st = os.stat(path)
    key = (os.path.abspath(path), st.st_size, st.st_mtime_ns)
    if key in _INDEX_CACHE:
        return _INDEX_CACHE[key]
    if st.st_size == 0:
        raise InputError(path, "empty file")
    offsets = []
    with open(path, "rb") as fh:
        while True:
            pos = fh.tell()
            line = fh.readline()
            if not line:
                break
            if not line.strip():
                continue
            try:
                n = int(line.split()[0])
            except ValueError:
                raise InputError(path, f"not an XYZ file: expected an atom count at byte {pos}") from None
            offsets.append(pos)
            for _ in range(n + 1):
                if not fh.readline():
                    break
    _INDEX_CACHE[key] = offsets
    return offsets


def n_frames(path) -> int:
    return len(frame_offsets(path))


def parse_comment(line: str) -> dict:
    """Key=value pairs of an extended-XYZ comment line (keys lower-cased)."""
    return {m.group(1).lower(): (m.group(2) if m.group(2) is not None else m.group(3))
            for m in _KV.finditer(line)}


def _properties(path, spec: str):
    parts = spec.split(":")
    if len(parts) % 3:
        raise InputError(path, f"malformed Properties={spec!r}")
    out, start = [], 0
    for name, kind, count in zip(parts[0::3], parts[1::3], parts[2::3]):
        out.append((name.lower(), kind.upper(), start, start + int(count)))
        start += int(count)
    return out, start


def read(path, frame: int | None = None, dim: int | None = None, **_):
    path = os.fspath(path)
    offsets = frame_offsets(path)
    k = check_frame(path, frame, len(offsets))
    with open(path, "rb") as fh:
        fh.seek(offsets[k])
        n = int(fh.readline().split()[0])
        comment = fh.readline().decode(errors="replace")
        rows = [fh.readline() for _ in range(n)]
    where = f"frame {k}"
    if not rows or not rows[-1].strip():
        raise InputError(path, f"{where}: truncated: expected {n} atom lines")
    kv = parse_comment(comment)
    if "lattice" not in kv:
        raise InputError(path, f"{where}: no Lattice=\"...\" on the comment line (a plain XYZ file has no box)")
    try:
        lattice = np.array(kv["lattice"].split(), dtype=float).reshape(3, 3)  # rows a, b, c
    except ValueError:
        raise InputError(path, f"{where}: Lattice must hold 9 numbers") from None
    props, ncol = _properties(path, kv.get("properties", "species:S:1:pos:R:3"))
    table = [r.split() for r in rows]
    if any(len(r) < ncol for r in table):
        raise InputError(path, f"{where}: truncated atom line(s): expected {ncol} columns")
    table = np.array([r[:ncol] for r in table])
    cols = {name: (kind, a, b) for name, kind, a, b in props}
    if "pos" not in cols:
        raise InputError(path, f"{where}: no pos column in Properties")
    _, a, b = cols["pos"]
    try:
        pos = table[:, a:b].astype(float)
    except ValueError:
        raise InputError(path, f"{where}: non-numeric positions") from None
    check_finite(path, pos)
    origin = np.zeros(3)
    if "origin" in kv:
        origin = np.array(kv["origin"].split(), dtype=float)
    pbc = kv.get("pbc", "T T T").replace(",", " ").split()
    z_open = len(pbc) == 3 and pbc[2].upper() in ("F", "FALSE", "0")
    if pos.shape[1] == 2:
        file_dim = 2
    else:
        file_dim = 2 if (z_open and np.ptp(pos[:, 2]) == 0.0) else 3
    if dim is not None and dim != file_dim:
        raise InputError(path, f"{where}: cannot read as {dim}D: the file is {file_dim}D")
    # rotate a general cell into upper-triangular form: M = Q R, positions -> Q^T positions
    M = lattice[:file_dim, :file_dim].T if file_dim == 2 else lattice.T
    q, r = np.linalg.qr(M)
    signs = np.sign(np.diag(r))
    signs[signs == 0] = 1.0
    q, r = q * signs, (r.T * signs).T
    xyz = (pos[:, :file_dim] - origin[:file_dim]) @ q
    labels = None
    for name in ("species", "type", "element", "type_name"):
        if name in cols:
            labels = table[:, cols[name][1]]
            break
    ids = None
    if "id" in cols:
        try:
            ids = table[:, cols["id"][1]].astype(np.int64)
        except ValueError:
            raise InputError(path, f"{where}: non-integer ids") from None
    meta = {"frame": k, "properties": [p[0] for p in props]}
    for key in ("time", "temperature", "timestep"):
        if key in kv:
            try:
                meta[key] = float(kv[key])
            except ValueError:
                pass
    return make_snapshot(path, fmt="extxyz", positions=xyz, h=r, origin=np.zeros(file_dim),
                         labels=labels, ids=ids, meta=meta)


class ExtxyzTrajectoryWriter:
    """Write snapshots and their fields frame after frame into one extended-XYZ file.

    Each frame is :func:`glassviz.io.tables.extxyz_text` (``Lattice``, ``Origin``,
    ``Properties=type:..:pos:R:3:id:I:1:<field>:R:1...``, ``pbc``, ``Timestep``), so OVITO opens
    the file as a trajectory (its key=value pairs become global attributes) and
    ``ase.io.read(path, index=":")`` returns one Atoms per frame.  Frames may differ in N.
    Written to ``PATH.part`` and renamed on :meth:`close`, so an interrupted run never leaves a
    half file under the user's name; memory holds one frame at a time.

    Use as a context manager::

        with ExtxyzTrajectoryWriter("out.extxyz") as w:
            for snap, fields in frames:
                w.write(snap, fields)
    """

    def __init__(self, path):
        self.path = os.fspath(path)
        parent = os.path.dirname(os.path.abspath(self.path))
        if not os.path.isdir(parent):
            raise InputError(self.path, f"output directory {parent} does not exist")
        self._tmp = self.path + ".part"
        self._fh = open(self._tmp, "w")
        self.frames = 0

    def write(self, snapshot, fields: dict | None = None, info: dict | None = None) -> None:
        """Append one frame; ``info``: extra key=value pairs for its comment line."""
        from glassviz.io.tables import extxyz_text

        self._fh.write(extxyz_text(snapshot, dict(fields or {}), info))
        self.frames += 1

    def close(self, keep: bool = True) -> None:
        if self._fh.closed:
            return
        self._fh.close()
        if keep and self.frames:
            os.replace(self._tmp, self.path)
        elif os.path.exists(self._tmp):
            os.remove(self._tmp)

    def __enter__(self):
        return self

    def __exit__(self, kind, exc, tb):
        self.close(keep=exc is None)
        return False


def write_trajectory(path, frames) -> int:
    """Write ``frames``, an iterable of ``(snapshot, fields)`` pairs (fields: name -> (N,)),
    as a multi-frame extended-XYZ file; returns the number of frames written."""
    with ExtxyzTrajectoryWriter(path) as writer:
        for snapshot, fields in frames:
            writer.write(snapshot, fields)
    return writer.frames
