"""The file store: the files (and in-memory sources) open in one session, the one shown and its
frame, and the uploads saved in this session's directory.

Reading a file never raises into the page: a file that cannot be read leaves what was open
untouched and puts one line in ``error`` naming the file and the problem."""

from __future__ import annotations

import os

import param

from glassviz.errors import GlassvizError


def _read_error(path, exc: Exception) -> str:
    if isinstance(exc, GlassvizError):
        return f"error: {exc}"
    return f"error: {path}: cannot be read ({exc.__class__.__name__}: {exc})"


class FileSet(param.Parameterized):
    """Open files; ``snapshot`` is the configuration shown, ``loaded`` bumped for each new one."""

    path = param.Selector(default=None, objects=[], doc="the open file shown")
    frame = param.Integer(default=0, bounds=(0, 0), doc="frame of a trajectory")
    error = param.String(default="", doc="why the last file could not be opened (one line), or empty")
    loaded = param.Integer(default=0, doc="bumped when another configuration is shown")

    def __init__(self, upload_dir: str | None = None, **params):
        super().__init__(**params)
        self.snapshot = None
        self.n_frames = 0
        self.upload_dir = upload_dir
        self.new_file = True  # the last load was another file (not another frame of it)
        self._pending = None  # a snapshot open() has read, shown by the path watcher
        self._objects: dict = {}  # label in the file list -> in-memory source (see open)
        # serving limits, set by the server (glassviz.app.page); None: no limit (notebook, tests)
        self.roots = None  # glassviz.app.roots.DataRoots "open by path" may reach
        self.max_upload_bytes = None

    def open(self, path, show: bool = True) -> bool:
        """Open a file (any format the readers support) and show it (or only list it, with
        ``show=False``).  ``path`` may also be an in-memory source: a :class:`Snapshot`, or any
        object :func:`glassviz.load` reads (an ``ase.Atoms``, an MDAnalysis Universe, ...), listed
        under a label ``in memory #k: ...``.  False (and one line in ``error``) for a bad file."""
        if isinstance(path, (str, os.PathLike)):
            path = os.path.abspath(os.path.expanduser(str(path).strip()))
            if self.roots is not None and not self.roots.allows(path, extra=(self.upload_dir,)):
                from glassviz.app.roots import OUTSIDE

                self.error = f"error: {path}: {OUTSIDE}"
                return False
        else:
            path = self._remember(path)
        self.error = ""
        try:
            frames = self.count(path)
            snap = self.read(path, 0) if show else None
        except Exception as exc:  # noqa: BLE001 - the page shows one line, never a traceback
            self.error = _read_error(path, exc)
            return False
        objects = list(self.param.path.objects)
        if path not in objects:
            objects.append(path)
        self.param.path.objects = objects
        self.error = ""
        if not show:
            return True
        if self.path == path:
            self._load(snap, frames, new_file=True)
        else:
            self._pending = (snap, frames)
            self.path = path
        return True

    def open_upload(self, filename: str, data: bytes) -> bool:
        """Save an uploaded file in this session's directory (keeping its name, so the format
        is known from the extension) and open it.  A file over ``max_upload_bytes`` is refused
        with one line, before anything is written."""
        import tempfile

        if not filename or not data:
            self.error = "error: empty upload"
            return False
        name = os.path.basename(filename)
        if name in ("", ".", ".."):
            self.error = f"error: {filename!r}: not a file name"
            return False
        if self.max_upload_bytes is not None and len(data) > self.max_upload_bytes:
            self.error = (f"error: {name}: {len(data) / 2**20:.1f} MB is over this server's upload limit of "
                          f"{self.max_upload_bytes / 2**20:g} MB (glassviz serve --max-upload-mb)")
            return False
        if self.upload_dir is None:
            self.upload_dir = tempfile.mkdtemp(prefix="glassviz-upload-")
        target = os.path.join(self.upload_dir, name)
        with open(target, "wb") as fh:
            fh.write(data)
        return self.open(target)

    def close(self) -> None:
        """Forget every file and in-memory source, and delete the upload folder with its files
        (the session has ended)."""
        import shutil

        self.snapshot, self._pending, self._objects = None, None, {}
        if self.upload_dir is not None:
            shutil.rmtree(self.upload_dir, ignore_errors=True)
            self.upload_dir = None

    def _remember(self, source) -> str:
        """The file-list label of an in-memory source (kept by this session only)."""
        from glassviz.snapshot import Snapshot

        for label, known in self._objects.items():
            if known is source:
                return label
        what = os.path.basename(source.source or "snapshot") if isinstance(source, Snapshot) else type(source).__name__
        label = f"in memory #{len(self._objects) + 1}: {what}"
        self._objects[label] = source
        return label

    def listed(self) -> list[tuple[str, object]]:
        """(label, source) of every file in the file list: the path, or the in-memory object."""
        return [(label, self._objects.get(label, label)) for label in self.param.path.objects]

    def read(self, key: str, frame: int):
        """Frame ``frame`` of the file or in-memory source listed as ``key``."""
        import glassviz
        from glassviz.snapshot import Snapshot

        source = self._objects.get(key, key)
        if isinstance(source, Snapshot):
            if frame != 0:
                raise GlassvizError(f"{key}: a single snapshot has no frame {frame}")
            return source
        return glassviz.load(source, frame=frame)

    def count(self, key: str) -> int:
        """Number of frames of the file or in-memory source listed as ``key``."""
        from glassviz.io import n_frames
        from glassviz.snapshot import Snapshot

        source = self._objects.get(key, key)
        return 1 if isinstance(source, Snapshot) else n_frames(source)

    def _load(self, snap, frames: int, new_file: bool) -> None:
        self.snapshot, self.n_frames, self.new_file = snap, frames, new_file
        self.param.frame.bounds = (0, max(frames - 1, 0))
        if new_file:
            self.frame = 0  # the frame watcher sees the snapshot's own frame: nothing to read
        self.loaded += 1

    @param.depends("path", watch=True)
    def _on_path(self):
        pending, self._pending = self._pending, None
        if pending is not None:
            self._load(*pending, new_file=True)
            return
        try:
            self._load(self.read(self.path, 0), self.count(self.path), new_file=True)
        except Exception as exc:  # noqa: BLE001 - one line on the page
            self.error = _read_error(self.path, exc)

    @param.depends("frame", watch=True)
    def _on_frame(self):
        if self.snapshot is None or self.snapshot.meta.get("frame", 0) == self.frame:
            return
        try:
            snap = self.read(self.path, self.frame)
        except Exception as exc:  # noqa: BLE001 - one line on the page
            self.error = _read_error(self.path, exc)
            return
        self._load(snap, self.n_frames, new_file=False)
