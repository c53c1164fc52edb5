"""Extended XYZ (``Lattice="..." Properties=species:S:1:pos:R:3...``), as written by ASE and OVITO.

Recognised properties: ``pos`` (R:3 or R:2), ``species``/``type``/``element`` (type label),
``id`` (I:1).  Every other property is one of the user's per-particle columns
(``Snapshot.columns``): R and I properties as numbers, L as 1/0, S when every value is a number
(else skipped); a property of m > 1 components becomes ``NAME[1]`` .. ``NAME[m]`` (LAMMPS style).
``Origin="x y z"`` (OVITO) sets the cell's lower corner (default 0).  A general lattice is rotated
into freud's upper-triangular form.  The file is 2D when ``pbc`` has F in z and every z is equal,
or when ``pos`` has two components.

Property names
--------------
An extended-XYZ property name cannot hold ``:`` (it separates the Properties triplets), and a
bare one cannot hold whitespace, ``= " , [ ] { } \\``; ASE drops brackets and OVITO turns ``.``
into ``_``.  glassviz therefore writes each name through :func:`encode_property_name`: every
character outside printable ASCII or among ``: % = " , [ ] { } \\`` and whitespace becomes ``%XX``
(its UTF-8 bytes in hex), everything else is kept; :func:`decode_property_name` reverses it on
reading.  A column named like a property the reader takes for the snapshot itself (``species``,
``pos``, ``id``, ``type``, ``element``, ``type_name``) has its first character escaped
(``%73pecies``), so it comes back as a column.  So ``c_vec[1]`` is written ``c_vec%5B1%5D``, ``file:c_pe`` is ``file%3Ac_pe``, and
``propensity@botan_ka3d_T0.64_t16.5`` is written as it is; reading the file back gives every name
exactly.  A foreign name holding ``%`` followed by two hex digits is decoded the same way.
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
# characters a property name cannot carry as they are (see the module docstring); % is the escape
_UNSAFE = frozenset(':%=",[]{}\\')
_ESCAPE = re.compile(r"(?:%[0-9A-Fa-f]{2})+")
# properties the reader takes as the snapshot itself; a column of the same name is written with
# its first character escaped, so that it reads back as a column
_OWN_PROPERTIES = frozenset({"pos", "species", "type", "element", "type_name", "id"})
_TRUE = {"T", "TRUE", "1"}


def encode_property_name(name: str) -> str:
    """A property name that survives extended XYZ (ASE, OVITO, libAtoms): unsafe characters as
    ``%XX`` (see the module docstring).  ``decode_property_name`` reverses it."""
    name = str(name)
    out = []
    for k, ch in enumerate(name):
        if (ch in _UNSAFE or ch.isspace() or not (ch.isascii() and ch.isprintable())
                or (k == 0 and name.lower() in _OWN_PROPERTIES)):
            out.append("".join(f"%{b:02X}" for b in ch.encode("utf-8")))
        else:
            out.append(ch)
    return "".join(out)


def decode_property_name(text: str) -> str:
    """Inverse of :func:`encode_property_name`."""
    return _ESCAPE.sub(lambda m: bytes.fromhex(m.group(0).replace("%", "")).decode("utf-8", "replace"), text)


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
    try:
        for name, kind, count in zip(parts[0::3], parts[1::3], parts[2::3]):
            out.append((name, kind.upper(), start, start + int(count)))
            start += int(count)
    except ValueError:
        raise InputError(path, f"malformed Properties={spec!r}") from None
    return out, start


def _user_columns(table: np.ndarray, props, used: set) -> dict[str, np.ndarray]:
    """Every property not used for the snapshot itself, as (N,) float64 columns (file order)."""
    out = {}
    for raw, kind, a, b in props:
        if raw.lower() in used:
            continue
        name = decode_property_name(raw)
        block = table[:, a:b]
        try:
            if kind == "L":
                values = np.isin(np.char.upper(block.astype(str)), list(_TRUE)).astype(np.float64)
            else:
                values = block.astype(np.float64)
        except ValueError:  # text values: not a field
            continue
        if b - a == 1:
            out.setdefault(name, values[:, 0])
        else:
            for k in range(b - a):
                out.setdefault(f"{name}[{k + 1}]", values[:, k])
    return out


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
    cols = {}
    for name, kind, a, b in props:
        cols.setdefault(name.lower(), (kind, a, b))
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
    used = {"pos"}
    for name in ("species", "type", "element", "type_name"):
        if name in cols:
            labels = table[:, cols[name][1]]
            used.add(name)
            break
    ids = None
    if "id" in cols:
        try:
            ids = table[:, cols["id"][1]].astype(np.int64)
        except ValueError:
            raise InputError(path, f"{where}: non-integer ids") from None
        used.add("id")
    meta = {"frame": k, "properties": [decode_property_name(p[0]) for p in props]}
    for key in ("time", "temperature", "timestep"):
        if key in kv:
            try:
                meta[key] = float(kv[key])
            except ValueError:
                pass
    return make_snapshot(path, fmt="extxyz", positions=xyz, h=r, origin=np.zeros(file_dim),
                         labels=labels, ids=ids, meta=meta, columns=_user_columns(table, props, used))


class ExtxyzTrajectoryWriter:
    """Write snapshots and their fields frame after frame into one extended-XYZ file.

    Each frame is :func:`glassviz.io.tables.extxyz_text` (``Lattice``, ``Origin``,
    ``Properties=type:..:pos:R:3:id:I:1:<field>:R:1...``, ``pbc``, ``Timestep``), so OVITO opens
    the file as a trajectory (its key=value pairs become global attributes) and
    ``ase.io.read(path, index=":")`` returns one Atoms per frame.  Frames may differ in N.
    The frames go through :class:`glassviz.io.tables.TableWriter`: written to ``PATH.part`` and
    renamed on :meth:`close`, so an interrupted run never leaves a half file under the user's
    name; memory holds one frame at a time.

    Use as a context manager::

        with ExtxyzTrajectoryWriter("out.extxyz") as w:
            for snap, fields in frames:
                w.write(snap, fields)
    """

    def __init__(self, path):
        from glassviz.io.tables import TableWriter

        self.path = os.fspath(path)
        parent = os.path.dirname(os.path.abspath(self.path))
        if not os.path.isdir(parent):
            raise InputError(self.path, f"output directory {parent} does not exist")
        self._writer = TableWriter(self.path)
        if not self._writer.extxyz:
            raise InputError(self.path, "an extended-XYZ trajectory needs the .extxyz or .xyz extension")

    @property
    def frames(self) -> int:
        return self._writer.pieces

    def write(self, snapshot, fields: dict | None = None, info: dict | None = None) -> None:
        """Append one frame; ``info``: extra key=value pairs for its comment line."""
        from glassviz.io.tables import extxyz_text

        self._writer.write(text=extxyz_text(snapshot, dict(fields or {}), info))

    def close(self, keep: bool = True) -> None:
        if keep and self.frames:
            self._writer.close()
        else:
            self._writer.abort()

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
