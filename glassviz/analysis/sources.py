"""What a batch runs over: DATA arguments (files, globs, directories, in-memory snapshots)
expanded into an ordered list of :class:`SnapshotRef`, one per snapshot.

Order: the arguments in the order given; a glob's or a directory's files sorted by name; a
trajectory's frames in file order.  A trajectory contributes every frame, or the frames a
``frames`` selection picks (``"START:STOP:STEP"`` as a Python slice, applied to each file's own
frame count, or one index ``K``; negative indices count from the end).  Frames are counted with
the readers' own ``n_frames`` (:func:`glassviz.io.n_frames`, a byte scan for LAMMPS dumps), so
nothing is parsed before the batch runs.

A reference is small and picklable: workers receive references and read the snapshot
themselves (:meth:`SnapshotRef.load`, which goes through :func:`glassviz.load`, the single
entry point for files and in-memory objects alike).
"""

from __future__ import annotations

import glob as _glob
import os
from dataclasses import dataclass, field

from glassviz.errors import GlassvizError, InputError

# files in a directory that are never snapshots (dataset cards, manifests, notes)
_NOT_SNAPSHOTS = (".json", ".md", ".txt", ".sh", ".py", ".csv", ".parquet", ".log", ".yaml", ".yml")


@dataclass(frozen=True)
class SnapshotRef:
    """One snapshot of a batch.

    Attributes
    ----------
    file : str, the file as expanded (the ``file`` column of batch tables); for an in-memory
        object a label such as ``<Snapshot 0>`` or its ``meta['source']``.
    frame : int, 0-based frame index in the file (never negative).
    origin : str, the DATA argument the snapshot came from (``--group-by glob``).
    obj : the in-memory object (a :class:`~glassviz.snapshot.Snapshot` or anything
        :func:`glassviz.load` accepts), None for a file.
    format : reader name when the extension does not say it (``--format``), else None.
    error : why the file could not even be opened (``expand(..., keep_going=True)``); loading
        the reference raises it, so the batch reports it in its place.
    """

    file: str
    frame: int = 0
    origin: str = ""
    obj: object = field(default=None, compare=False, repr=False)
    format: str | None = None
    error: str | None = None

    def load(self, **options):
        """The snapshot (``meta['source']`` and ``meta['frame']`` set to this reference's)."""
        from glassviz.snapshot import Snapshot

        if self.error is not None:
            raise GlassvizError(self.error)
        if isinstance(self.obj, Snapshot):
            snap = self.obj
        else:
            import glassviz

            if self.format is not None:
                options.setdefault("format", self.format)
            snap = glassviz.load(self.file if self.obj is None else self.obj, frame=self.frame, **options)
        if snap.meta.get("source") != self.file or snap.meta.get("frame") != self.frame:
            from dataclasses import replace

            snap = replace(snap, meta={**snap.meta, "source": self.file, "frame": self.frame})
        return snap

    def __str__(self) -> str:
        return self.file if self.frame == 0 else f"{self.file} (frame {self.frame})"


def parse_frames(frames) -> slice | int | None:
    """``None``, an int, a slice, or text ``"K"`` / ``"START:STOP:STEP"`` -> None, int or slice."""
    if frames is None or isinstance(frames, (slice, int)):
        if isinstance(frames, slice) and frames.step == 0:
            raise GlassvizError("frames: the step of START:STOP:STEP cannot be 0")
        return frames
    text = str(frames).strip()
    try:
        if ":" not in text:
            return int(text)
        parts = text.split(":")
        if len(parts) > 3:
            raise ValueError
        values = [int(p) if p.strip() else None for p in parts]
    except ValueError:
        raise GlassvizError(f"frames: cannot read {text!r}; expected START:STOP:STEP (e.g. 0:100:10, ::5) "
                            "or one index") from None
    return parse_frames(slice(*values))


def select_frames(n: int, frames, source: str | None = None) -> list[int]:
    """The frame indices ``frames`` picks out of ``n`` (all when None)."""
    frames = parse_frames(frames)
    if frames is None:
        return list(range(n))
    if isinstance(frames, slice):
        return list(range(n))[frames]
    from glassviz.io.assemble import check_frame

    return [check_frame(source, frames, n)]


def expand_paths(item: str) -> list[str]:
    """Files named by one DATA argument: the file itself, a glob's matches, or a directory's
    snapshot files (everything but cards, notes and tables), sorted by name."""
    item = os.fspath(item)
    if os.path.isdir(item):
        found = sorted(p for p in (os.path.join(item, name) for name in os.listdir(item))
                       if os.path.isfile(p) and not os.path.basename(p).startswith(".")
                       and not p.lower().endswith(_NOT_SNAPSHOTS))
        if not found:
            raise InputError(item, "directory holds no snapshot files")
        return found
    if os.path.exists(item):
        return [item]
    if _glob.has_magic(item):
        found = sorted(p for p in _glob.glob(item) if os.path.isfile(p))
        if not found:
            raise InputError(item, "the pattern matches no files")
        return found
    raise InputError(item, "no such file")


def _object_frames(obj) -> int:
    """Frames of an in-memory trajectory object (an MDAnalysis Universe's trajectory); 1 otherwise."""
    traj = getattr(obj, "trajectory", None)
    try:
        return len(traj) if traj is not None else 1
    except TypeError:
        return 1


def expand(sources, frames=None, format: str | None = None, keep_going: bool = False) -> list[SnapshotRef]:
    """Ordered snapshot references for ``sources``.

    Parameters
    ----------
    sources : a path, glob or directory (str / PathLike), an in-memory object (Snapshot, or any
        object :func:`glassviz.load` accepts), or a list/tuple of these.
    frames : None (every frame), an index K, a slice, or ``"START:STOP:STEP"``; applied to each
        trajectory (file or object) separately.
    format : reader name for every file (when the extensions do not say it).
    keep_going : a file that cannot be opened or counted becomes a reference holding its error
        (the batch reports and skips it in its place) instead of raising here.

    Returns
    -------
    list of SnapshotRef, in the order described in the module docstring.
    """
    from glassviz.io import n_frames
    from glassviz.snapshot import Snapshot

    frames = parse_frames(frames)
    items = list(sources) if isinstance(sources, (list, tuple)) else [sources]
    if not items:
        raise GlassvizError("no data given")
    refs: list[SnapshotRef] = []
    n_objects = 0
    for item in items:
        if isinstance(item, (str, os.PathLike)):
            origin = os.fspath(item)
            try:
                paths = expand_paths(origin)
            except InputError as exc:
                if not keep_going:
                    raise
                refs.append(SnapshotRef(origin, 0, origin, error=str(exc)))
                continue
            for path in paths:
                try:
                    picked = select_frames(n_frames(path, format), frames, path)
                except InputError as exc:
                    if not keep_going:
                        raise
                    refs.append(SnapshotRef(path, 0, origin, format=format, error=str(exc)))
                    continue
                refs.extend(SnapshotRef(path, k, origin, format=format) for k in picked)
            continue
        meta = getattr(item, "meta", None)
        label = (meta or {}).get("source") if isinstance(meta, dict) else None
        label = str(label or f"<{type(item).__name__} {n_objects}>")
        n_objects += 1
        if isinstance(item, Snapshot):  # one snapshot, already read: keep its own frame index
            refs.append(SnapshotRef(label, int(item.meta.get("frame") or 0), label, obj=item))
            continue
        for k in select_frames(_object_frames(item), frames, label):
            refs.append(SnapshotRef(label, k, label, obj=item))
    if not refs:
        raise GlassvizError(f"the frame selection {frames} picks no snapshot")
    return refs
