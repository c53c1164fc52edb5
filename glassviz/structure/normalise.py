"""Min-max normalisation to [0, 1] over one snapshot (Oyama et al. 2023) and the 1 - X view.

    X̃_i = (X_i - min_j X_j) / (max_j X_j - min_j X_j)

NaN values are ignored for min/max and stay NaN.  A constant field has no scale: it maps to 0.
"""

from __future__ import annotations

import numpy as np


def minmax(values, mask=None) -> np.ndarray:
    """(N,) field scaled to [0, 1]; ``mask`` (N,) bool restricts the particles defining min/max
    (e.g. one species); the result is given for every particle."""
    x = np.asarray(values, dtype=np.float64)
    ref = x if mask is None else x[np.asarray(mask, dtype=bool)]
    ref = ref[np.isfinite(ref)]
    if ref.size == 0:
        return np.full_like(x, np.nan)
    lo, hi = ref.min(), ref.max()
    if hi == lo:
        return np.where(np.isfinite(x), 0.0, np.nan)
    return (x - lo) / (hi - lo)


def one_minus(values) -> np.ndarray:
    """1 - X (Oyama shows 1 - Θ and 1 - Δ so that high means "glass-like" in every panel)."""
    return 1.0 - np.asarray(values, dtype=np.float64)
