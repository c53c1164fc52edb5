"""Per-particle tables: columns ``id``, ``type``, ``x``, ``y``, (``z``), then the fields, one row
per particle in file order; written as CSV, Parquet or extended XYZ by the output extension.

Tables over many snapshots are long: they start with ``file``, ``frame``, ``timestep`` (the
timestep empty when the file has none), one block of rows per snapshot.  :class:`TableWriter`
writes them as snapshots finish (CSV appended, Parquet row groups, extxyz frames), under a
temporary name renamed at the end, so an interrupted run never leaves a file that looks
complete.

Coordinates are written in the file's own frame (wrapped into its box).  The extended-XYZ
writer puts every field in ``Properties`` as a real per-particle column (names encoded by
:func:`glassviz.io.extxyz.encode_property_name`, read back exactly), with ``Lattice``,
``Origin`` and ``pbc`` as OVITO reads them (2D: z = 0, ``pbc="T T F"``).
"""

from __future__ import annotations

import io
import os
import sys

import numpy as np

from glassviz.errors import GlassvizError

TABLE_FORMATS = (".csv", ".parquet", ".extxyz", ".xyz")


KEY_COLUMNS = ("file", "frame", "timestep")


def particle_table(snapshot, fields: dict, keys: bool = False):
    """pandas DataFrame with id, type, coordinates and one column per field; with ``keys`` first
    ``file``, ``frame``, ``timestep`` from ``snapshot.meta`` (timestep <NA> when unknown)."""
    import pandas as pd

    cols = {}
    if keys:
        n = snapshot.n
        timestep = snapshot.meta.get("timestep")
        cols["file"] = np.full(n, str(snapshot.meta.get("source")), dtype=object)
        cols["frame"] = np.full(n, int(snapshot.meta.get("frame") or 0), dtype=np.int64)
        cols["timestep"] = pd.array([None if timestep is None else int(timestep)] * n, dtype="Int64")
    cols.update({"id": snapshot.ids, "type": snapshot.labels})
    pos = snapshot.file_positions
    for k, axis in enumerate("xyz"[: snapshot.dim]):
        cols[axis] = pos[:, k]
    for name, values in fields.items():
        if name in cols or name in KEY_COLUMNS:
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
    ext = check_output(path, extxyz=extxyz is not None)
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


def check_output(path: str, extxyz: bool = True) -> str:
    """The lower-case extension of an output table path, after checking it and its directory."""
    ext = os.path.splitext(path)[1].lower()
    allowed = [e for e in TABLE_FORMATS if extxyz or e not in (".extxyz", ".xyz")]
    if ext not in allowed:
        raise GlassvizError(f"{path}: unknown output extension {ext or 'none'!r}; use one of "
                            f"{', '.join(allowed)} or '-' for CSV on stdout")
    parent = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(parent):
        raise GlassvizError(f"{path}: output directory {parent} does not exist")
    return ext


class TableWriter:
    """Write a long table piece by piece, as snapshots finish.

    ``path``: ``.csv`` (rows appended), ``.parquet`` (pyarrow ``ParquetWriter``, row groups of at
    least ``row_group_rows`` rows), ``.extxyz``/``.xyz`` (one frame per piece, pieces given as
    text), or None/``'-'`` for CSV on stdout.  Until :meth:`close` the rows go to ``PATH.part``;
    ``close`` renames it to ``PATH``, :meth:`abort` (also on any exception inside ``with``)
    deletes it, so an interrupted run never leaves a file that looks complete.  Memory holds at
    most one row group.

    Every piece must have the first piece's columns (a 2D and a 3D snapshot cannot share a
    table); a piece that does not is a one-line error naming its file.
    """

    def __init__(self, path: str | None, row_group_rows: int = 65536):
        self.path = path
        self.stdout = path in (None, "-")
        self.ext = ".csv" if self.stdout else check_output(path)
        self.tmp = None if self.stdout else path + ".part"
        self.row_group_rows = int(row_group_rows)
        self.rows = 0
        self.pieces = 0
        self._columns = None
        self._fh = None
        self._pq = None
        self._buffer: list = []
        self._buffered = 0
        self._closed = False

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            self.close()
        else:
            self.abort()
        return False

    @property
    def extxyz(self) -> bool:
        return self.ext in (".extxyz", ".xyz")

    def _open(self, mode: str = "w"):
        if self._fh is None:
            try:
                self._fh = sys.stdout if self.stdout else open(self.tmp, mode)
            except OSError as exc:
                raise GlassvizError(f"{self.path}: cannot write ({exc.strerror or exc})") from None
        return self._fh

    def _check_columns(self, table) -> None:
        cols = list(table.columns)
        if self._columns is None:
            self._columns = cols
        elif cols != self._columns:
            where = str(table["file"].iloc[0]) if "file" in table.columns and len(table) else "a snapshot"
            raise GlassvizError(f"{where}: its columns ({', '.join(cols)}) differ from the table's "
                                f"({', '.join(self._columns)}); write 2D and 3D snapshots, or different "
                                "fields, to separate tables")

    def write(self, table=None, text: str | None = None) -> None:
        """Append one piece: a DataFrame (CSV, Parquet) or one extxyz frame's ``text``."""
        if self._closed:
            raise GlassvizError(f"{self.path}: the table is already closed")
        self.pieces += 1
        if self.extxyz:
            if text is None:
                raise GlassvizError(f"{self.path}: an extxyz table is written from extxyz frames")
            self._open().write(text)
            return
        self._check_columns(table)
        self.rows += len(table)
        try:
            if self.ext == ".csv":
                fh = self._open()
                table.to_csv(fh, header=self.pieces == 1, index=False, float_format="%.10g")
                if self.stdout:
                    fh.flush()
            else:
                self._buffer.append(table)
                self._buffered += len(table)
                if self._buffered >= self.row_group_rows:
                    self._flush_parquet()
        except OSError as exc:
            raise GlassvizError(f"{self.path}: cannot write ({exc.strerror or exc})") from None

    def _flush_parquet(self) -> None:
        import pandas as pd
        import pyarrow as pa
        import pyarrow.parquet as pq

        if not self._buffer:
            return
        table = pa.Table.from_pandas(pd.concat(self._buffer, ignore_index=True), preserve_index=False)
        self._buffer.clear()
        self._buffered = 0
        if self._pq is None:
            self._pq = pq.ParquetWriter(self.tmp, table.schema)
        elif not table.schema.equals(self._pq.schema):
            try:
                table = table.cast(self._pq.schema)
            except (pa.ArrowInvalid, pa.ArrowTypeError, ValueError):
                raise GlassvizError(f"{self.path}: column types change between snapshots "
                                    f"({table.schema.to_string(show_schema_metadata=False)})") from None
        self._pq.write_table(table)

    def close(self) -> str | None:
        """Finish the file and give it its name; returns the path (None for stdout)."""
        if self._closed:
            return self.path
        try:
            if self.ext == ".parquet":
                self._flush_parquet()
                if self._pq is None:
                    raise GlassvizError(f"{self.path}: no rows to write")
                self._pq.close()
                self._pq = None
            elif self._fh is not None and not self.stdout:
                self._fh.close()
                self._fh = None
            if self.stdout:
                if self._fh is not None:
                    self._fh.flush()
                self._closed = True
                return None
            if not os.path.exists(self.tmp):
                raise GlassvizError(f"{self.path}: no rows to write")
            os.replace(self.tmp, self.path)
        except OSError as exc:
            self.abort()
            raise GlassvizError(f"{self.path}: cannot write ({exc.strerror or exc})") from None
        except BaseException:
            self.abort()
            raise
        self._closed = True
        return self.path

    def abort(self) -> None:
        """Stop writing and delete the temporary file (nothing is left under ``path``)."""
        self._closed = True
        self._buffer.clear()
        try:
            if self._pq is not None:
                self._pq.close()
            if self._fh is not None and not self.stdout:
                self._fh.close()
        except Exception:  # noqa: BLE001 - the file is deleted next; its state does not matter
            pass
        self._pq = self._fh = None
        if self.tmp and os.path.exists(self.tmp):
            os.remove(self.tmp)


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
    from glassviz.io.extxyz import encode_property_name

    # field names such as propensity@MODEL, file:c_pe or c_vec[1] go through the reversible
    # encoding of glassviz.io.extxyz, so that reading the file back gives them exactly
    numeric = all(isinstance(t, (int, np.integer)) for t in snapshot.type_labels)
    props = [f"type:{'I' if numeric else 'S'}:1", "pos:R:3", "id:I:1"] + [
        f"{encode_property_name(name)}:R:1" for name in fields]
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
