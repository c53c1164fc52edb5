"""Correlation tables between per-particle fields (Oyama et al. 2023, Fig. 3: Pearson's C between
indicators; Spearman's rank coefficient as the robustness check of their Supplement).

    Pearson:  C_XY = Σ (X_i - X̄)(Y_i - Ȳ) / sqrt(Σ (X_i - X̄)² Σ (Y_i - Ȳ)²)
    Spearman: Pearson of the ranks (ties get their average rank).

Particles where any of the fields is NaN are left out (pairwise complete cases).
"""

from __future__ import annotations

import numpy as np

from glassviz.errors import GlassvizError


def _ranks(x: np.ndarray) -> np.ndarray:
    from scipy.stats import rankdata

    return rankdata(x)


def correlation(x, y, method: str = "pearson") -> float:
    """Correlation coefficient of two (N,) arrays over the particles where both are finite."""
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    ok = np.isfinite(x) & np.isfinite(y)
    x, y = x[ok], y[ok]
    if method == "spearman":
        x, y = _ranks(x), _ranks(y)
    elif method != "pearson":
        raise GlassvizError(f"correlation method must be 'pearson' or 'spearman', got {method!r}")
    if len(x) < 2:
        return float("nan")
    dx, dy = x - x.mean(), y - y.mean()
    den = np.sqrt((dx * dx).sum() * (dy * dy).sum())
    return float((dx * dy).sum() / den) if den > 0 else float("nan")


def correlation_table(fields: dict, method: str = "pearson", mask=None, snapshot=None, species=None):
    """Symmetric table of correlation coefficients between fields.

    Parameters
    ----------
    fields : dict name -> (N,) values.
    method : ``"pearson"`` or ``"spearman"``.
    mask : (N,) bool selecting particles (e.g. a selection in the dashboard).
    snapshot, species : restrict to one species of ``snapshot`` (index, 'A'/'B' or type label).

    Returns
    -------
    pandas.DataFrame (k, k) indexed and labelled by field name.
    """
    import pandas as pd

    names = list(fields)
    arrays = [np.asarray(fields[n], dtype=np.float64) for n in names]
    if len({a.shape for a in arrays}) > 1:
        raise GlassvizError("fields of different lengths cannot be correlated")
    if species is not None:
        if snapshot is None:
            raise GlassvizError("a species filter needs the snapshot")
        from glassviz.snapshot import species_mask

        sel = species_mask(snapshot, species)
        mask = sel if mask is None else (np.asarray(mask, dtype=bool) & sel)
    if mask is not None:
        mask = np.asarray(mask, dtype=bool)
        arrays = [a[mask] for a in arrays]
    k = len(names)
    table = np.eye(k)
    for a in range(k):
        for b in range(a + 1, k):
            table[a, b] = table[b, a] = correlation(arrays[a], arrays[b], method)
    return pd.DataFrame(table, index=names, columns=names)
