"""Helpers shared by the subcommands."""

from __future__ import annotations

import os


def add_quiet(parser) -> None:
    """``-q/--quiet``: no progress bars, only warnings and errors on stderr (the logging level
    WARNING; :func:`glassviz.progress.configure_logging`)."""
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bars or reports on stderr, only errors")


def names_list(text: str) -> list[str]:
    """``a,b, c`` -> ["a", "b", "c"] (comma-separated option values)."""
    return [t.strip() for t in text.split(",") if t.strip()]


def data_files(items, glasses: bool = False) -> list[str]:
    import glob

    from glassviz.errors import InputError

    out = []
    for item in items:
        if os.path.isdir(item):
            found = sorted(glob.glob(os.path.join(item, "config_*.npz"))
                           + (glob.glob(os.path.join(item, "glass_*.npz")) if glasses else [])) or sorted(
                glob.glob(os.path.join(item, "*.npz")) + glob.glob(os.path.join(item, "*.pickle")))
            if not found:
                raise InputError(item, "directory holds no data files (config_*.npz, *.npz, *.pickle)")
            out += found
        else:
            out.append(item)
    return out
