"""Data roots: the folders a served dashboard may open files from.

A dashboard served on a network must not open any file of the server, nor tell a visitor
whether a path exists.  "Open by path" and the file list therefore reach only files under the
roots (``glassviz serve --data-root DIR ...``; by default the folders of the files named on the
command line and the bundled demo's folder).  A path is judged after resolving symlinks and
``..`` (so a link inside a root pointing out of it is refused), and every refused path gets the
same line, whether it exists or not.  A missing file inside a root gets the readers' usual
"no such file".

Importable without Panel (the store and its tests use it).
"""

from __future__ import annotations

import os

from glassviz.errors import InputError

OUTSIDE = "outside the data folders this server may open (glassviz serve --data-root)"


def _real(path: str | os.PathLike) -> str:
    return os.path.realpath(os.path.abspath(os.path.expanduser(os.fspath(path))))


class DataRoots:
    """A set of folders, compared by their resolved paths.

    ``dirs`` are folder paths (symlinks and ``..`` are resolved once, here).
    """

    def __init__(self, dirs):
        real = []
        for d in dirs:
            r = _real(d)
            if r not in real:
                real.append(r)
        self.dirs = tuple(real)

    def __repr__(self) -> str:
        return f"DataRoots({list(self.dirs)!r})"

    def allows(self, path: str | os.PathLike, extra=()) -> bool:
        """True when ``path`` resolves to a location under one of the roots (or under one of
        the folders ``extra``, e.g. a session's upload folder)."""
        target = _real(path)
        for root in self.dirs + tuple(_real(d) for d in extra if d):
            if target == root or target.startswith(root.rstrip(os.sep) + os.sep):
                return True
        return False

    def check(self, path: str | os.PathLike, extra=()) -> str:
        """``path`` itself when it is allowed; else :class:`InputError` with the one line
        :data:`OUTSIDE`, naming the path as given (its resolved target would reveal where a
        symlink leads)."""
        if not self.allows(path, extra):
            raise InputError(os.fspath(path), OUTSIDE)
        return os.fspath(path)


def default_roots(files=()) -> DataRoots:
    """The folders of ``files`` (the snapshots named on the command line) plus the folder of
    the bundled demo."""
    from glassviz.bundled import demo_dir

    dirs = [os.path.dirname(_real(f)) for f in files]
    return DataRoots(dirs + [str(demo_dir())])
