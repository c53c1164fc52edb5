"""LAMMPS data files, atom style ``atomic`` (``id type x y z [ix iy iz]``).

Reads the header (``atoms``, ``atom types``, box bounds and optional ``xy xz yz`` tilts) and
the ``Atoms`` section; ``Masses``/``Velocities`` and other sections are skipped.  2D is
recognised as in the dump reader (every z equal, or a thin z extent).
"""

from __future__ import annotations

import os

import numpy as np

from glassviz.errors import InputError
from glassviz.io.assemble import check_frame, make_snapshot
from glassviz.snapshot import check_finite

_SECTIONS = {"Atoms", "Velocities", "Masses", "Bonds", "Angles", "Dihedrals", "Impropers",
             "Pair Coeffs", "PairIJ Coeffs", "Bond Coeffs", "Angle Coeffs", "Atom Type Labels"}


def n_frames(path) -> int:
    return 1


def read(path, frame: int | None = None, dim: int | None = None, **_):
    path = os.fspath(path)
    check_frame(path, frame, 1)
    with open(path, "rb") as fh:
        raw = fh.read()
    if not raw.strip():
        raise InputError(path, "empty file")
    try:
        text = raw.decode()
    except UnicodeDecodeError:
        raise InputError(path, "not a text file") from None
    lines = text.splitlines()
    n = None
    bounds = {}
    tilt = (0.0, 0.0, 0.0)
    i = 1  # the first line is a comment
    while i < len(lines):
        s = lines[i].split("#")[0].strip()
        if s in _SECTIONS or s.split()[:1] == ["Atoms"]:
            break
        words = s.split()
        try:
            if len(words) == 2 and words[1] == "atoms":
                n = int(words[0])
            elif len(words) == 4 and words[2:] in (["xlo", "xhi"], ["ylo", "yhi"], ["zlo", "zhi"]):
                bounds[words[2][0]] = (float(words[0]), float(words[1]))
            elif len(words) == 6 and words[3:] == ["xy", "xz", "yz"]:
                tilt = tuple(float(w) for w in words[:3])
        except ValueError:
            raise InputError(path, f"line {i + 1}: cannot read {s!r}") from None
        i += 1
    if n is None:
        raise InputError(path, "not a LAMMPS data file (no 'N atoms' header line)")
    if set(bounds) != {"x", "y", "z"}:
        raise InputError(path, "header lacks xlo xhi / ylo yhi / zlo zhi box bounds")
    # skip Masses and any other section before Atoms
    while i < len(lines) and lines[i].split("#")[0].strip() != "Atoms":
        i += 1
    if i >= len(lines):
        raise InputError(path, "no 'Atoms' section")
    head = lines[i].split("#")
    style = head[1].strip() if len(head) > 1 else "atomic"
    if style and style != "atomic":
        raise InputError(path, f"atom style {style!r} is not supported (only 'atomic')")
    rows = []
    j = i + 1
    while j < len(lines) and not lines[j].strip():
        j += 1
    while j < len(lines) and len(rows) < n:
        s = lines[j].split("#")[0].strip()
        if not s:
            break
        rows.append(s.split())
        j += 1
    if len(rows) < n:
        raise InputError(path, f"truncated Atoms section: expected {n} lines, found {len(rows)}")
    widths = {len(r) for r in rows}
    if len(widths) != 1 or widths.pop() not in (5, 8):
        raise InputError(path, "Atoms lines must have 5 (id type x y z) or 8 (… ix iy iz) columns")
    try:
        table = np.array(rows, dtype=np.float64)
    except ValueError:
        raise InputError(path, "Atoms section holds non-numeric values") from None
    xyz = table[:, 2:5]
    check_finite(path, xyz)
    (xlo, xhi), (ylo, yhi), (zlo, zhi) = bounds["x"], bounds["y"], bounds["z"]
    xy, xz, yz = tilt
    h = np.array([[xhi - xlo, xy, xz], [0.0, yhi - ylo, yz], [0.0, 0.0, zhi - zlo]])
    lo = np.array([xlo, ylo, zlo])
    images = table[:, 5:8].astype(np.int64) if table.shape[1] == 8 else None
    Lx, Ly, Lz = np.diag(h)
    file_dim = 2 if (np.ptp(xyz[:, 2]) == 0.0 or (Lz < 0.1 * min(Lx, Ly) and Lz <= 1.0)) else 3
    if dim is not None and dim != file_dim:
        raise InputError(path, f"cannot read as {dim}D: the file is {file_dim}D")
    if file_dim == 2:
        xyz, h, lo = xyz[:, :2], h[:2, :2], lo[:2]
        images = None if images is None else images[:, :2]
    meta = {"frame": 0, "title": lines[0].strip(), "atom_style": "atomic"}
    return make_snapshot(path, fmt="lammps-data", positions=xyz, h=h, origin=lo,
                         labels=table[:, 1].astype(np.int64), ids=table[:, 0].astype(np.int64),
                         images=images, meta=meta)
