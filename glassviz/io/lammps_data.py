"""LAMMPS data files in the atom styles ``atomic``, ``charge``, ``molecular`` and ``full``.

Reads the header (``atoms``, box bounds and optional ``xy xz yz`` tilts) and the ``Atoms``
section; ``Masses``/``Velocities`` and other sections are skipped.  Columns of the ``Atoms``
lines (LAMMPS ``read_data``), each optionally followed by the image flags ``ix iy iz``:

=========  ===============================  ========
style      columns                          count
=========  ===============================  ========
atomic     id type x y z                    5 (8)
charge     id type q x y z                  6 (9)
molecular  id mol type x y z                6 (9)
full       id mol type q x y z              7 (10)
=========  ===============================  ========

(``bond`` and ``angle`` have the molecular layout.)  The style is the ``Atoms # style`` comment
LAMMPS writes, or ``glassviz.load(path, atom_style=...)``; without either it is inferred from
the column count, and a 6- or 9-column file whose third column holds only integers (charge or
molecular?) is refused with a message saying how to name the style.  Types may be numbers or
LAMMPS type labels.  2D is recognised as in the dump reader (every z equal, or a thin z extent).
"""

from __future__ import annotations

import os

import numpy as np

from glassviz.errors import InputError
from glassviz.io.assemble import check_frame, make_snapshot
from glassviz.snapshot import check_finite

# style -> (index of type, index of x, number of columns before the image flags)
STYLES = {"atomic": (1, 2, 5), "charge": (1, 3, 6), "molecular": (2, 3, 6), "full": (2, 4, 7)}
ALIASES = {"bond": "molecular", "angle": "molecular"}
_SECTIONS = {"Atoms", "Velocities", "Masses", "Bonds", "Angles", "Dihedrals", "Impropers",
             "Pair Coeffs", "PairIJ Coeffs", "Bond Coeffs", "Angle Coeffs", "Atom Type Labels"}


def n_frames(path) -> int:
    return 1


def read(path, frame: int | None = None, dim: int | None = None, atom_style: str | None = None, **_):
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
    head = lines[i].split("#", 1)
    comment = head[1].strip().split()[0] if len(head) > 1 and head[1].strip() else None
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
    if len(widths) != 1:
        raise InputError(path, f"Atoms lines have different numbers of columns ({sorted(widths)})")
    ncol = widths.pop()
    table = np.array(rows)
    style = _style(path, atom_style or comment, ncol, table)
    t_col, x_col, base = STYLES[style]
    try:
        xyz = table[:, x_col:x_col + 3].astype(np.float64)
        ids = table[:, 0].astype(np.int64)
        images = table[:, base:base + 3].astype(np.int64) if ncol == base + 3 else None
    except ValueError:
        raise InputError(path, f"Atoms section (style {style}) holds non-numeric ids, coordinates or image flags")
    labels = table[:, t_col]
    check_finite(path, xyz)
    (xlo, xhi), (ylo, yhi), (zlo, zhi) = bounds["x"], bounds["y"], bounds["z"]
    xy, xz, yz = tilt
    h = np.array([[xhi - xlo, xy, xz], [0.0, yhi - ylo, yz], [0.0, 0.0, zhi - zlo]])
    lo = np.array([xlo, ylo, zlo])
    Lx, Ly, Lz = np.diag(h)
    file_dim = 2 if (np.ptp(xyz[:, 2]) == 0.0 or (Lz < 0.1 * min(Lx, Ly) and Lz <= 1.0)) else 3
    if dim is not None and dim != file_dim:
        raise InputError(path, f"cannot read as {dim}D: the file is {file_dim}D")
    if file_dim == 2:
        xyz, h, lo = xyz[:, :2], h[:2, :2], lo[:2]
        images = None if images is None else images[:, :2]
    if len(np.unique(ids)) != n:
        raise InputError(path, "duplicate atom ids")
    meta = {"frame": 0, "title": lines[0].strip(), "atom_style": style}
    return make_snapshot(path, fmt="lammps-data", positions=xyz, h=h, origin=lo, labels=labels, ids=ids,
                         images=images, meta=meta)


def _style(path, named: str | None, ncol: int, table: np.ndarray) -> str:
    """The atom style: the one named (``Atoms # style`` or ``atom_style=``), else from the
    number of columns; refuses an ambiguous file."""
    if named is not None:
        style = ALIASES.get(named, named)
        if style not in STYLES:
            raise InputError(path, f"atom style {named!r} is not supported (atomic, charge, molecular, full)")
        base = STYLES[style][2]
        if ncol not in (base, base + 3):
            raise InputError(path, f"atom style {style} has {base} columns ({base + 3} with image flags), "
                             f"the Atoms lines have {ncol}")
        return style
    by_count = {5: ["atomic"], 8: ["atomic"], 6: ["charge", "molecular"], 9: ["charge", "molecular"],
                7: ["full"], 10: ["full"]}
    candidates = by_count.get(ncol)
    if not candidates:
        raise InputError(path, f"Atoms lines have {ncol} columns, which fits none of the atom styles atomic (5), "
                         f"charge (6), molecular (6), full (7) (+3 image flags)")
    if len(candidates) == 1:
        return candidates[0]
    # charge: id type q x y z; molecular: id mol type x y z.  A fractional third column is a charge.
    try:
        third = table[:, 2].astype(np.float64)
    except ValueError:
        return "molecular"  # a type label in the third column
    if np.any(third != np.round(third)):
        return "charge"
    raise InputError(path, f"Atoms lines have {ncol} columns: atom style charge (id type q x y z) or molecular "
                     f"(id mol type x y z)? Name it with a comment, 'Atoms # charge' or 'Atoms # molecular', or "
                     f"glassviz.load(path, atom_style=...)")
