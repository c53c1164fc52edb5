"""Small constructors shared by tests."""

import numpy as np

from glassviz.snapshot import Snapshot, wrap


def make_snapshot(positions, h, species=None, labels=None, source="test"):
    positions = np.asarray(positions, dtype=float)
    h = np.asarray(h, dtype=float)
    n, d = positions.shape
    wrapped, _ = wrap(h, positions - h @ np.full(d, 0.5))
    species = np.zeros(n, int) if species is None else np.asarray(species)
    labels = labels or tuple(range(1, species.max() + 2))
    return Snapshot(positions=wrapped, species=species, type_labels=labels, ids=np.arange(n), h=h,
                    offset=h @ np.full(d, 0.5), meta={"source": source})
