"""The file's own per-particle columns as fields (DESIGN.md, "Field names").

Every column a reader keeps in ``Snapshot.columns`` (LAMMPS ``c_pe``, ``v_softness``, ``f_ave``,
``c_vec[1]``; extended-XYZ properties, glassviz's own extxyz output included; GSD per-particle
logs) is a field under its own name, wherever the registry is used: ``compute_fields``,
``available``, ``glassviz fields --fields``, the dashboard and batch jobs.  Coarse-graining,
normalisation and 1 - X apply to a column as to any field.

Clash rule (one rule, everywhere): a column whose name is a built-in name is reached as
``file:NAME``, and the built-in keeps the plain name.  Built-in names are

* the registered plain fields (``voronoi_volume``, ``tong_tanaka``, ``propensity``, ...);
* model fields: ``KIND@MODEL`` with a known model-field kind (``propensity``, ``edge_change``,
  ``gradcam``, ``attention``), whatever the model (so a column ``propensity@m`` read back from
  glassviz's own extxyz output is ``file:propensity@m``, and ``propensity@m`` runs the model);
* the table's own columns (``id``, ``type``, ``x``, ``y``, ``z``, ``file``, ``frame``,
  ``timestep``);
* any name starting with ``file:``.

``file:NAME`` works for every column, clashing or not, and never means anything else.
"""

from __future__ import annotations

import numpy as np

from glassviz.errors import GlassvizError
from glassviz.fields.names import FILE_PREFIX, FieldName

# columns of every particle table (glassviz.io.tables and long batch tables)
TABLE_COLUMNS = ("id", "type", "x", "y", "z", "file", "frame", "timestep")


def is_builtin(name: str) -> bool:
    """True when ``name`` means a built-in field or table column (see the module docstring)."""
    from glassviz.fields.registry import FIELDS, MODEL_FIELD_MODULES, MODEL_FIELDS

    name = str(name)
    if name in FIELDS or name in TABLE_COLUMNS or name.startswith(FILE_PREFIX):
        return True
    parsed = FieldName.parse(name)
    return parsed.is_model and (parsed.kind in MODEL_FIELDS or parsed.kind in MODEL_FIELD_MODULES)


def field_name(column: str) -> str:
    """The field name under which the file column ``column`` is reached."""
    return str(FieldName.column(column)) if is_builtin(column) else column


def column_fields(snapshot) -> list[str]:
    """Field names of the snapshot's own columns, in file order (clashing ones as ``file:NAME``)."""
    return [field_name(c) for c in getattr(snapshot, "columns", {}) or {}]


def column_of(snapshot, name: str) -> str | None:
    """The column a field name refers to: ``file:NAME`` -> NAME (an error when the snapshot has no
    such column); a plain name that is not built-in and names a column -> that column; else None."""
    columns = getattr(snapshot, "columns", {}) or {}
    parsed = FieldName.parse(name)
    if parsed.is_column:
        if parsed.kind not in columns:
            listing = ", ".join(columns) if columns else "none"
            raise GlassvizError(f"{snapshot.source}: no column {parsed.kind!r} in the file (its columns: {listing})")
        return parsed.kind
    if name in columns and not is_builtin(name):
        return name
    return None


def column_values(snapshot, column: str) -> np.ndarray:
    """(N,) float64 values of the file column ``column`` (a copy: post-processing never edits the
    snapshot)."""
    return np.array(snapshot.columns[column], dtype=np.float64)
