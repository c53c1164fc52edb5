"""Snapshot readers, one module per format, registered by name and file extension.

``glassviz.load(path, frame=None, format=None)`` picks the reader from ``format`` or the
extension (sniffing the first bytes when the extension is ambiguous or unknown).
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
register(Format("lammps-data", "glassviz.io.lammps_data", (".data", ".lmp"), "LAMMPS data file (atomic)"))
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
    """The Format for ``path``: the one named, else by extension and content."""
    path = os.fspath(path)
    if format is not None:
        key = format.lower()
        if key not in FORMATS:
            raise InputError(path, f"unknown format {format!r}; known formats: {', '.join(FORMATS)}")
        return FORMATS[key]
    _check_readable(path)
    if os.path.getsize(path) == 0:
        raise InputError(path, "empty file")
    sniffed = _sniff(path)
    ext = os.path.splitext(path)[1].lower()
    by_ext = [f for f in FORMATS.values() if ext in f.extensions]
    if sniffed:
        return FORMATS[sniffed]
    if by_ext:
        return by_ext[0]
    known = ", ".join(sorted({e for f in FORMATS.values() for e in f.extensions}))
    raise InputError(path, f"unknown file type (extension {ext or 'none'!r}); known extensions: {known}; "
                     f"or name the format ({', '.join(FORMATS)})")


def n_frames(path, format: str | None = None) -> int:
    """Number of frames in a file, without parsing them."""
    _check_readable(path)
    return detect_format(path, format).reader.n_frames(os.fspath(path))


def _check_readable(path) -> None:
    path = os.fspath(path)
    if not os.path.exists(path):
        raise InputError(path, "no such file")
    if os.path.isdir(path):
        raise InputError(path, "is a directory, not a snapshot file")
    if not os.access(path, os.R_OK):
        raise InputError(path, "permission denied")


def load(path, frame: int | None = None, format: str | None = None, dim: int | None = None, **options):
    """Read one frame of a snapshot file.

    Parameters
    ----------
    path : file path.
    frame : frame index in a multi-frame file (negative counts from the end); None = first.
    format : reader name (see ``glassviz.io.FORMATS``); None = from the extension/content.
    dim : 2 or 3 to insist on a dimension; a file of the other dimension is an error.
    options : reader-specific (e.g. ``box_length`` for BOTAN npz files).

    Returns
    -------
    Snapshot
    """
    _check_readable(path)
    fmt = detect_format(path, format)
    if dim not in (None, 2, 3):
        raise InputError(path, f"dim must be 2 or 3, got {dim}")
    try:
        return fmt.reader.read(os.fspath(path), frame=frame, dim=dim, **options)
    except InputError:
        raise
    except (UnicodeDecodeError, MemoryError) as exc:
        raise InputError(path, f"cannot be read as {fmt.description} ({exc.__class__.__name__})") from None
