"""LAMMPS text dumps (``dump custom`` / ``dump atom``).

Handles any column order; ``x y z``, ``xs ys zs`` (scaled), ``xu yu zu`` (unwrapped),
``xsu ysu zsu``; optional ``id``, ``type`` (or ``element``), ``ix iy iz``; orthogonal and
triclinic (``xy xz yz``) boxes with any origin.  A file is 2D when it has no z column, when
every z is equal, or when its z extent is thin (Lz < 0.1 min(Lx, Ly) and Lz <= 1, LAMMPS'
2D default being -0.5..0.5).  Multi-frame files are indexed once by a byte scan for
``ITEM: TIMESTEP`` and only the requested frame is parsed.

Every other numeric column (``c_pe``, ``v_softness``, ``f_ave``, ``c_vec[1]``, ``q``, ``mass``, ...)
is kept in ``Snapshot.columns`` under its own name, in file order; non-numeric ones (e.g. an
``element`` column beside ``type``) are skipped.
"""

from __future__ import annotations

import mmap
import os

import numpy as np

from glassviz.errors import InputError
from glassviz.io.assemble import check_frame, make_snapshot
from glassviz.snapshot import check_finite

_MARK = b"ITEM: TIMESTEP"
_INDEX_CACHE: dict = {}

# columns that are the snapshot itself (identity, type, coordinates, images, velocities); every
# other column of the dump is one of the user's per-particle columns
OWN_COLUMNS = frozenset({"id", "type", "element", "mol_type", "ix", "iy", "iz", "vx", "vy", "vz",
                         "x", "y", "z", "xs", "ys", "zs", "xu", "yu", "zu", "xsu", "ysu", "zsu"})

COORD_SETS = [  # (names, scaled, unwrapped), in order of preference
    (("xu", "yu", "zu"), False, True),
    (("x", "y", "z"), False, False),
    (("xsu", "ysu", "zsu"), True, True),
    (("xs", "ys", "zs"), True, False),
]


def frame_offsets(path) -> np.ndarray:
    """Byte offsets of every frame (cached per path, size and mtime)."""
    path = os.fspath(path)
    st = os.stat(path)
    key = (os.path.abspath(path), st.st_size, st.st_mtime_ns)
    if key in _INDEX_CACHE:
        return _INDEX_CACHE[key]
    if st.st_size == 0:
        raise InputError(path, "empty file")
    offsets = []
    with open(path, "rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mm:
        pos = mm.find(_MARK)
        if pos != 0 and (pos < 0 or mm[:pos].strip()):
            raise InputError(path, "not a LAMMPS dump (it does not start with 'ITEM: TIMESTEP')")
        while pos >= 0:
            offsets.append(pos)
            pos = mm.find(_MARK, pos + len(_MARK))
    out = np.asarray(offsets, dtype=np.int64)
    _INDEX_CACHE[key] = out
    return out


def n_frames(path) -> int:
    return len(frame_offsets(path))


def _read_block(path, start: int, stop: int | None) -> bytes:
    with open(path, "rb") as fh:
        fh.seek(start)
        return fh.read() if stop is None else fh.read(stop - start)


def _box(path, header: list[str], lines: list[bytes]):
    """Box matrix h (3x3, columns = vectors) and lower corner from a BOX BOUNDS item."""
    words = header[3:]
    triclinic = len(words) >= 3 and words[:3] == ["xy", "xz", "yz"]
    if words and words[0] == "abc":
        raise InputError(path, "general triclinic boxes ('BOX BOUNDS abc origin') are not supported; "
                         "write the dump with a restricted triclinic box")
    try:
        vals = [[float(v) for v in ln.split()] for ln in lines]
    except ValueError:
        raise InputError(path, "cannot read the BOX BOUNDS lines") from None
    if len(vals) != 3 or any(len(v) < (3 if triclinic else 2) for v in vals):
        raise InputError(path, "truncated BOX BOUNDS item")
    (xlo_b, xhi_b, *r0), (ylo_b, yhi_b, *r1), (zlo_b, zhi_b, *r2) = vals
    xy = xz = yz = 0.0
    if triclinic:
        xy, xz, yz = r0[0], r1[0], r2[0]
    xlo = xlo_b - min(0.0, xy, xz, xy + xz)
    xhi = xhi_b - max(0.0, xy, xz, xy + xz)
    ylo = ylo_b - min(0.0, yz)
    yhi = yhi_b - max(0.0, yz)
    h = np.array([[xhi - xlo, xy, xz], [0.0, yhi - ylo, yz], [0.0, 0.0, zhi_b - zlo_b]])
    return h, np.array([xlo, ylo, zlo_b]), triclinic


def read(path, frame: int | None = None, dim: int | None = None, **_):
    """Read one frame of a LAMMPS text dump as a Snapshot.

    Parameters
    ----------
    frame : frame index (0-based, negative from the end); None = first frame.
    dim : force 2 or 3; a file that is plainly 2D cannot be read as 3D (and vice versa).
    """
    path = os.fspath(path)
    offsets = frame_offsets(path)
    k = check_frame(path, frame, len(offsets))
    stop = int(offsets[k + 1]) if k + 1 < len(offsets) else None
    block = _read_block(path, int(offsets[k]), stop)
    return parse_frame(path, block, k, dim)


def parse_frame(path, block: bytes, frame: int, dim: int | None = None):
    lines = block.split(b"\n", 9)
    where = f"frame {frame}"
    try:
        if not lines[2].startswith(b"ITEM: NUMBER OF ATOMS") or not lines[4].startswith(b"ITEM: BOX BOUNDS"):
            raise IndexError
        timestep = int(lines[1].split()[0])
        n = int(lines[3].split()[0])
        box_header = lines[4].decode().split()
        h, lo, triclinic = _box(path, box_header, lines[5:8])
        atoms_header = lines[8].decode().split()
        if atoms_header[:2] != ["ITEM:", "ATOMS"]:
            raise IndexError
        body = lines[9] if len(lines) > 9 else b""
    except (IndexError, ValueError, UnicodeDecodeError):
        raise InputError(path, f"{where}: malformed or truncated header") from None
    cols = atoms_header[2:]
    ncol = len(cols)
    if n == 0:
        raise InputError(path, f"{where}: no atoms")
    tokens = body.split()
    if len(tokens) != n * ncol:
        got = len(tokens) / ncol if ncol else 0
        raise InputError(path, f"{where}: truncated: expected {n} atom lines of {ncol} columns, "
                         f"found {got:.0f}" if len(tokens) < n * ncol else
                         f"{where}: {len(tokens)} values where {n} lines x {ncol} columns were expected")
    col = {c: i for i, c in enumerate(cols)}
    table = np.array(tokens).reshape(n, ncol)  # bytes dtype: fast per-column conversion

    def numeric(name, dtype=float):
        try:
            return table[:, col[name]].astype(dtype)
        except ValueError:
            raise InputError(path, f"{where}: column {name!r} holds non-numeric values") from None

    chosen = None
    for names, scaled, unwrapped in COORD_SETS:
        if names[0] in col and names[1] in col:
            chosen = (names, scaled, unwrapped)
            break
    if chosen is None:
        raise InputError(path, f"{where}: no position columns (need x y [z], xs ys [zs] or xu yu [zu]; "
                         f"found {' '.join(cols)})")
    names, scaled, unwrapped = chosen
    has_z = names[2] in col
    xyz = np.column_stack([numeric(c) for c in names if c in col])
    check_finite(path, xyz)  # before the 2D test, which a NaN would confuse
    Lx, Ly, Lz = np.diag(h)
    z_const = has_z and np.ptp(xyz[:, 2]) == 0.0
    thin = Lz < 0.1 * min(Lx, Ly) and Lz <= 1.0
    file_dim = 2 if (not has_z or z_const or thin) else 3
    if dim is not None and dim != file_dim:
        why = ("it has no z column" if not has_z else "every z is equal" if z_const else
               f"its z extent {Lz:g} is thin") if file_dim == 2 else "its z coordinates vary"
        raise InputError(path, f"{where}: cannot read as {dim}D: the file is {file_dim}D ({why})")
    if file_dim == 2:
        if triclinic and (h[0, 2] != 0 or h[1, 2] != 0):
            raise InputError(path, f"{where}: 2D file with xz/yz tilt")
        h2 = h[:2, :2]
        if scaled:
            xyz = xyz[:, :2] @ h2.T + lo[:2]
        xyz = xyz[:, :2]
        h_use, lo_use = h2, lo[:2]
    else:
        if scaled:
            xyz = xyz @ h.T + lo
        h_use, lo_use = h, lo
    images = None
    img_names = ("ix", "iy", "iz")[:file_dim]
    if not unwrapped and all(c in col for c in img_names):
        images = np.column_stack([numeric(c, np.int64) for c in img_names])
    labels = None
    for tcol in ("type", "element", "mol_type"):
        if tcol in col:
            labels = table[:, col[tcol]]
            break
    ids = numeric("id", np.int64) if "id" in col else None
    if ids is not None and len(np.unique(ids)) != n:
        raise InputError(path, f"{where}: duplicate atom ids")
    meta = {"frame": frame, "timestep": timestep, "columns": cols, "triclinic": triclinic}
    return make_snapshot(path, fmt="lammps-dump", positions=xyz, h=h_use, origin=lo_use,
                         labels=labels, ids=ids, images=images, unwrapped=unwrapped, meta=meta,
                         columns=user_columns(table, cols))


def user_columns(table: np.ndarray, cols: list[str]) -> dict[str, np.ndarray]:
    """The dump's own per-particle columns: every numeric column not in OWN_COLUMNS, in file
    order, as (N,) float64 (a name that appears twice keeps its first column)."""
    out = {}
    for k, name in enumerate(cols):
        if name in OWN_COLUMNS or name in out:
            continue
        try:
            out[name] = table[:, k].astype(np.float64)
        except ValueError:  # text (e.g. element names): not a field
            continue
    return out
