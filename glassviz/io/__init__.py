"""Snapshot readers, one module per format, registered by name and file extension.

``glassviz.load(path, frame=None, format=None)`` picks the reader from ``format`` or the
extension (sniffing the first bytes when the extension is ambiguous or unknown).  Files
compressed with gzip or bzip2 (``run.dump.gz``) are read through
:mod:`glassviz.io.compression`.  ``glassviz.load(obj)`` also takes the objects of other
libraries (``ase.Atoms``, MDAnalysis ``Universe``/``AtomGroup``, ``gsd.hoomd.Frame``, a freud
``(box, points)`` system, OVITO's ``DataCollection``) through :mod:`glassviz.io.adapters`.
"""

from __future__ import annotations

import importlib
import os
from dataclasses import dataclass

from glassviz.errors import InputError


@dataclass(frozen=True)
class Format:
    name: str
    module: str
    extensions: tuple
    description: str

    @property
    def reader(self):
        return importlib.import_module(self.module)


FORMATS: dict[str, Format] = {}


def register(fmt: Format) -> None:
    FORMATS[fmt.name] = fmt


register(Format("lammps-dump", "glassviz.io.lammps_dump", (".dump", ".lammpstrj", ".lammpsdump"),
                "LAMMPS text dump"))
register(Format("lammps-data", "glassviz.io.lammps_data", (".data", ".lmp"),
                "LAMMPS data file (atom styles atomic, charge, molecular, full)"))
register(Format("extxyz", "glassviz.io.extxyz", (".extxyz", ".xyz"), "extended XYZ"))
register(Format("gsd", "glassviz.io.gsd_file", (".gsd",), "HOOMD-blue GSD"))
register(Format("deepmind", "glassviz.io.deepmind", (".pickle", ".pkl"), "DeepMind glassy_dynamics pickle"))
register(Format("botan", "glassviz.io.botan", (".npz",), "pyg_botan / GlassBench npz"))
register(Format("glassviz", "glassviz.io.dataset", (".npz",), "glassviz dataset npz (glassviz simulate)"))


def _sniff(path: str) -> str | None:
    with open(path, "rb") as fh:
        head = fh.read(512)
    stripped = head.lstrip()
    if stripped.startswith(b"ITEM: TIMESTEP"):
        return "lammps-dump"
    if head.startswith(b"GSD"):
        return "gsd"
    if head.startswith(b"PK"):
        from glassviz.io.dataset import is_dataset

        return "glassviz" if is_dataset(path) else "botan"
    if head[:1] == b"\x80":
        return "deepmind"
    first = stripped.split(b"\n", 1)[0].strip()
    if first.isdigit() and b"Lattice=" in head:
        return "extxyz"
    if b" atoms" in head and b"xlo xhi" in head:
        return "lammps-data"
    return None


def detect_format(path, format: str | None = None) -> Format:
    """The Format for ``path``: the one named, else by extension and content (of the
    uncompressed content, for a compressed file)."""
    from glassviz.io.compression import inner_name, plain_path

    path = os.fspath(path)
    if format is not None:
        key = format.lower()
        if key not in FORMATS:
            raise InputError(path, f"unknown format {format!r}; known formats: {', '.join(FORMATS)}")
        return FORMATS[key]
    _check_readable(path)
    if os.path.getsize(path) == 0:
        raise InputError(path, "empty file")
    plain = plain_path(path)
    if os.path.getsize(plain) == 0:
        raise InputError(path, "empty file (once decompressed)")
    sniffed = _sniff(plain)
    ext = os.path.splitext(inner_name(path))[1].lower()
    by_ext = [f for f in FORMATS.values() if ext in f.extensions]
    if sniffed:
        return FORMATS[sniffed]
    if by_ext:
        return by_ext[0]
    known = ", ".join(sorted({e for f in FORMATS.values() for e in f.extensions}))
    raise InputError(path, f"unknown file type (extension {ext or 'none'!r}); known extensions: {known}; "
                     f"or name the format ({', '.join(FORMATS)})")


def n_frames(source, format: str | None = None) -> int:
    """Number of frames in a file (without parsing them) or in an in-memory object."""
    if not _is_path(source):
        from glassviz.io.adapters import n_frames_of

        return n_frames_of(source)
    _check_readable(source)
    fmt = detect_format(source, format)
    with _original_name(source) as plain:
        return fmt.reader.n_frames(plain)


def _is_path(source) -> bool:
    return isinstance(source, (str, bytes, os.PathLike))


class _original_name:
    """Context giving the path to read (a decompressed copy for a compressed file) and
    renaming errors back to the user's path."""

    def __init__(self, path):
        from glassviz.io.compression import plain_path

        self.path = os.fspath(path)
        self.plain = plain_path(self.path)

    def __enter__(self):
        return self.plain

    def __exit__(self, kind, exc, tb):
        if isinstance(exc, InputError) and self.plain != self.path and exc.path == self.plain:
            raise InputError(self.path, exc.problem) from None
        return False


def _check_readable(path) -> None:
    path = os.fspath(path)
    if not os.path.exists(path):
        raise InputError(path, "no such file")
    if os.path.isdir(path):
        raise InputError(path, "is a directory, not a snapshot file")
    if not os.access(path, os.R_OK):
        raise InputError(path, "permission denied")


def load(path, frame: int | None = None, format: str | None = None, dim: int | None = None, **options):
    """Read one frame of a snapshot file, or take an in-memory object.

    Parameters
    ----------
    path : file path (plain, ``.gz`` or ``.bz2``), or an object of another library
        (:mod:`glassviz.io.adapters`: ``ase.Atoms``, MDAnalysis ``Universe``/``AtomGroup``,
        ``gsd.hoomd.Frame``, freud ``(box, points)``, OVITO ``DataCollection``).
    frame : frame index in a multi-frame file (negative counts from the end); None = first.
    format : reader name (see ``glassviz.io.FORMATS``); None = from the extension/content.
    dim : 2 or 3 to insist on a dimension; a file of the other dimension is an error.
    options : reader-specific (e.g. ``box_length`` for BOTAN npz files).

    Returns
    -------
    Snapshot
    """
    if not _is_path(path):
        from glassviz.io.adapters import from_object

        if format is not None:
            raise InputError(None, f"format={format!r} names a file format; {type(path).__name__} objects are "
                             f"read by their adapter")
        return from_object(path, frame=frame, dim=dim, **options)
    path = os.fspath(path)
    _check_readable(path)
    fmt = detect_format(path, format)
    if dim not in (None, 2, 3):
        raise InputError(path, f"dim must be 2 or 3, got {dim}")
    try:
        with _original_name(path) as plain:
            snap = fmt.reader.read(plain, frame=frame, dim=dim, **options)
    except InputError:
        raise
    except (UnicodeDecodeError, MemoryError) as exc:
        raise InputError(path, f"cannot be read as {fmt.description} ({exc.__class__.__name__})") from None
    if plain != path:
        from glassviz.io.assemble import temperature_from_name
        from glassviz.io.compression import compression_of

        snap.meta["source"] = path
        snap.meta["compression"] = compression_of(path)
        if snap.meta.get("temperature") is None:
            snap.meta["temperature"] = temperature_from_name(path)
    return snap
