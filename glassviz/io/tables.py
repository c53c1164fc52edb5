"""Per-particle tables: columns ``id``, ``type``, ``x``, ``y``, (``z``), then the fields, one row
per particle in file order; written as CSV, Parquet or extended XYZ by the output extension.

Coordinates are written in the file's own frame (wrapped into its box).  The extended-XYZ
writer puts every field in ``Properties`` as a real per-particle column, with ``Lattice``,
``Origin`` and ``pbc`` as OVITO reads them (2D: z = 0, ``pbc="T T F"``).
"""

from __future__ import annotations

import io
import os
import sys

import numpy as np

from glassviz.errors import GlassvizError

TABLE_FORMATS = (".csv", ".parquet", ".extxyz", ".xyz")


def particle_table(snapshot, fields: dict):
    """pandas DataFrame with id, type, coordinates and one column per field."""
    import pandas as pd

    cols = {"id": snapshot.ids, "type": snapshot.labels}
    pos = snapshot.file_positions
    for k, axis in enumerate("xyz"[: snapshot.dim]):
        cols[axis] = pos[:, k]
    for name, values in fields.items():
        if name in cols:
            raise GlassvizError(f"field name {name!r} clashes with a table column")
        cols[name] = np.asarray(values)
    return pd.DataFrame(cols)


def write_table(snapshot, fields: dict, path: str | None) -> None:
    """Write the table to ``path`` (format from the extension; None or '-' = CSV on stdout)."""
    write_frame(particle_table(snapshot, fields), path, extxyz=lambda: extxyz_text(snapshot, fields))


def write_frame(table, path: str | None, extxyz=None) -> None:
    """Write a DataFrame as CSV/Parquet (or extxyz via the ``extxyz`` text callback) to ``path``;
    None or '-' = CSV on stdout.  Written under a temporary name and renamed, so a failure never
    leaves half a file over the user's."""
    if path in (None, "-"):
        table.to_csv(sys.stdout, index=False, float_format="%.10g")
        return
    ext = os.path.splitext(path)[1].lower()
    allowed = [e for e in TABLE_FORMATS if e != ".extxyz" or extxyz is not None]
    if ext not in allowed:
        raise GlassvizError(f"{path}: unknown output extension {ext or 'none'!r}; use one of "
                            f"{', '.join(allowed)} or '-' for CSV on stdout")
    parent = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(parent):
        raise GlassvizError(f"{path}: output directory {parent} does not exist")
    tmp = path + ".part"
    try:
        if ext == ".csv":
            table.to_csv(tmp, index=False, float_format="%.10g")
        elif ext == ".parquet":
            table.to_parquet(tmp, index=False)
        else:
            with open(tmp, "w") as fh:
                fh.write(extxyz())
        os.replace(tmp, path)
    except OSError as exc:
        raise GlassvizError(f"{path}: cannot write ({exc.strerror or exc})") from None
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def extxyz_text(snapshot, fields: dict, info: dict | None = None) -> str:
    """One extended-XYZ frame holding the snapshot and its fields.

    The type labels go in a ``type`` column (``I`` for numeric labels, ``S`` otherwise), which
    OVITO reads as the particle type and ase keeps as ``atoms.arrays["type"]`` (a ``species``
    column would make ase look for chemical elements).  ``Timestep=`` (from ``meta``) and the
    ``info`` items are written as key=value pairs: OVITO global attributes, ase ``atoms.info``.
    """
    d = snapshot.dim
    h = np.eye(3)
    h[:d, :d] = snapshot.box_matrix
    origin = np.zeros(3)
    origin[:d] = snapshot.offset - snapshot.box_matrix @ np.full(d, 0.5)
    lattice = " ".join(f"{v:.10g}" for v in h.T.reshape(-1))  # rows: a, b, c
    pos = np.zeros((snapshot.n, 3))
    pos[:, :d] = snapshot.file_positions
    numeric = all(isinstance(t, (int, np.integer)) for t in snapshot.type_labels)
    props = [f"type:{'I' if numeric else 'S'}:1", "pos:R:3", "id:I:1"] + [f"{name}:R:1" for name in fields]
    pbc = "T T T" if d == 3 else "T T F"
    header = f'Lattice="{lattice}" Origin="{" ".join(f"{v:.10g}" for v in origin)}" ' \
             f'Properties={":".join(props)} pbc="{pbc}"'
    temperature = snapshot.meta.get("temperature")
    if temperature is not None:
        header += f" temperature={temperature:g}"
    if snapshot.meta.get("timestep") is not None:
        header += f" Timestep={int(snapshot.meta['timestep'])}"
    for key, value in (info or {}).items():
        if isinstance(value, str):
            value = f'"{value}"'
        elif isinstance(value, float):
            value = f"{value:.10g}"
        header += f" {key}={value}"
    buf = io.StringIO()
    buf.write(f"{snapshot.n}\n{header}\n")
    columns = [snapshot.labels if numeric else snapshot.labels.astype(str), *(pos[:, k] for k in range(3)), snapshot.ids,
               *(np.asarray(v, dtype=np.float64) for v in fields.values())]
    fmt = ["%d" if numeric else "%s", "%.10g", "%.10g", "%.10g", "%d"] + ["%.10g"] * len(fields)
    rows = np.empty((snapshot.n, len(columns)), dtype=object)
    for k, c in enumerate(columns):
        rows[:, k] = c
    np.savetxt(buf, rows, fmt=fmt, delimiter=" ")
    return buf.getvalue()
