"""Model results shared by every session of one server process.

A model field (``propensity@MODEL``, ``gradcam@MODEL``, ...) costs seconds per snapshot on a CPU
(BOTAN on the N = 4096 demo: about 5 s), and every visitor of a group's server opens the same
files.  The values depend only on the configuration and the model, so they are kept here,
keyed by the configuration's content (:func:`content_key`), the field's name (or the model's,
for a whole :class:`~glassviz.models.inference.Prediction` with its edges, which the bond view
draws) and the number of cubic-group orientations averaged over, and the next session on the
same configuration reads them instead of computing them again.  Sessions asking for the same value at the same
time wait for one computation (four simultaneous visitors compute BOTAN once, not four times).

The store is bounded in bytes (least recently used values go first; a value larger than the
bound is not kept), so a server that stays up does not grow with the number of visits; the
arrays are made read-only, so no session can change another's.  A computation that fails is not kept (the next request tries again and
gets the same one-line reason).
"""

from __future__ import annotations

import collections
import hashlib
import threading
from concurrent.futures import Future

import numpy as np

DEFAULT_MAX_BYTES = 256 * 2**20  # about 30 fields of N = 10^6 (float64)


def content_key(snapshot) -> str:
    """BLAKE2b digest of what a model sees of a configuration: dimension, box matrix, species
    labels and indices, positions (the exact float64 bytes).  Two files holding the same
    configuration share their values; any change of a coordinate gives another key."""
    h = hashlib.blake2b(digest_size=20)
    h.update(f"{snapshot.dim}|{tuple(map(str, snapshot.type_labels))}|".encode())
    for array in (snapshot.h, snapshot.species, snapshot.positions):
        a = np.ascontiguousarray(array)
        h.update(f"{a.dtype.str}{a.shape}".encode())
        h.update(a.data)
    return h.hexdigest()


def _arrays(value, depth: int = 2):
    """The numpy arrays a value holds: itself, or its attributes' (two levels down)."""
    if isinstance(value, np.ndarray):
        return [value]
    if depth == 0 or not hasattr(value, "__dict__"):
        return []
    return [a for v in vars(value).values() for a in _arrays(v, depth - 1)]


class SharedValues:
    """Thread-safe least-recently-used store of arrays (or objects holding arrays, e.g. a
    Prediction), at most ``max_bytes`` of arrays in all."""

    def __init__(self, max_bytes: int = DEFAULT_MAX_BYTES):
        self.max_bytes = int(max_bytes)
        self._lock = threading.Lock()
        self._items: collections.OrderedDict = collections.OrderedDict()
        self._running: dict = {}
        self._bytes = 0
        self.hits = self.misses = 0

    def get(self, key, compute) -> np.ndarray:
        """The value under ``key``, computed by ``compute()`` when absent (once, however many
        threads ask at the same time; the others wait for it and get the same array or error)."""
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                self.hits += 1
                return self._items[key][0]
            running = self._running.get(key)
            if running is None:
                running = self._running[key] = Future()
                mine = True
                self.misses += 1
            else:
                mine = False
                self.hits += 1
        if not mine:
            return running.result()
        try:
            value = compute()
        except BaseException as exc:
            with self._lock:
                del self._running[key]
            running.set_exception(exc)
            raise
        arrays = _arrays(value)
        for a in arrays:
            a.flags.writeable = False
        size = sum(a.nbytes for a in arrays)
        with self._lock:
            del self._running[key]
            if size <= self.max_bytes:
                self._items[key] = (value, size)
                self._bytes += size
                while self._bytes > self.max_bytes:
                    _, (_, old) = self._items.popitem(last=False)
                    self._bytes -= old
        running.set_result(value)
        return value

    @property
    def nbytes(self) -> int:
        return self._bytes

    def __len__(self) -> int:
        return len(self._items)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._bytes = 0


# the server's store (one per process: every session of `glassviz serve` shares it)
VALUES = SharedValues()
