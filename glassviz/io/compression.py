"""Compressed input files (``.gz``, ``.bz2``), opened in one place for every reader.

A compressed file (recognised by its magic bytes, whatever its name) is decompressed once into
a private temporary directory and the readers read the plain copy, so multi-frame text files
keep their byte-offset index and memory-mapped scans.  The copy is keyed by the file's path,
size and modification time, the four most recent copies are kept (a batch over many
compressed files does not fill the disk), and all are removed when the process exits.
:func:`glassviz.io.load` reports the original path in ``meta["source"]`` and in error messages.
"""

from __future__ import annotations

import atexit
import bz2
import gzip
import os
import shutil
import tempfile
import threading
import zlib
from collections import OrderedDict

from glassviz.errors import InputError

# name -> (file suffix, magic bytes, opener)
COMPRESSIONS = {"gzip": (".gz", b"\x1f\x8b", gzip.open), "bzip2": (".bz2", b"BZh", bz2.open)}
KEEP = 4
_CHUNK = 1 << 22

_cache: OrderedDict = OrderedDict()
_lock = threading.Lock()
_dir: str | None = None


def compression_of(path) -> str | None:
    """``"gzip"``, ``"bzip2"`` or None, from the file's first bytes."""
    with open(os.fspath(path), "rb") as fh:
        head = fh.read(4)
    for name, (_, magic, _) in COMPRESSIONS.items():
        if head.startswith(magic):
            return name
    return None


def inner_name(path) -> str:
    """The file name without a compression suffix (``a.dump.gz`` -> ``a.dump``)."""
    name = os.fspath(path)
    for suffix, _, _ in COMPRESSIONS.values():
        if name.lower().endswith(suffix):
            return name[: -len(suffix)]
    return name


def _tmpdir() -> str:
    global _dir
    if _dir is None:
        _dir = tempfile.mkdtemp(prefix="glassviz-decompressed-")
        atexit.register(shutil.rmtree, _dir, True)
    return _dir


def plain_path(path) -> str:
    """A path to the uncompressed content of ``path``: the path itself when the file is not
    compressed, else a decompressed copy (made once, see the module docstring)."""
    path = os.fspath(path)
    kind = compression_of(path)
    if kind is None:
        return path
    st = os.stat(path)
    key = (os.path.abspath(path), st.st_size, st.st_mtime_ns)
    with _lock:
        if key in _cache and os.path.exists(_cache[key]):
            _cache.move_to_end(key)
            return _cache[key]
        base = os.path.basename(inner_name(path)) or "data"
        fd, out = tempfile.mkstemp(prefix="", suffix="-" + base, dir=_tmpdir())
        opener = COMPRESSIONS[kind][2]
        failed = None
        with os.fdopen(fd, "wb") as dst:
            try:
                with opener(path, "rb") as src:
                    while True:
                        chunk = src.read(_CHUNK)
                        if not chunk:
                            break
                        dst.write(chunk)
            except (EOFError, OSError, zlib.error, ValueError) as exc:
                failed = exc
        if failed is not None:
            os.remove(out)
            raise InputError(path, f"truncated or corrupt {kind} file ({failed.__class__.__name__})")
        _cache[key] = out
        while len(_cache) > KEEP:
            _, old = _cache.popitem(last=False)
            if os.path.exists(old):
                os.remove(old)
        return out
