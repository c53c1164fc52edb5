"""The compare store: the correlation matrix of the shown fields (Pearson or Spearman; Oyama et
al. 2023 Fig. 3) over a species and optionally the selection only, and the two fields of the
scatter plot."""

from __future__ import annotations

import numpy as np
import param


class Comparison(param.Parameterized):
    """Settings of the Compare tab and the correlations they give."""

    corr_method = param.Selector(default="pearson", objects=["pearson", "spearman"])
    corr_selection_only = param.Boolean(default=False)
    scatter_x = param.Selector(default=None, objects=[None])
    scatter_y = param.Selector(default=None, objects=[None])

    def offer(self, available: list[str], chosen: list[str]) -> None:
        """Offer ``available`` fields to the scatter; show the first two ``chosen``."""
        with param.parameterized.batch_call_watchers(self):
            self.param.scatter_x.objects = available or [None]
            self.param.scatter_y.objects = available or [None]
            self.scatter_x = chosen[0] if chosen else (available[0] if available else None)
            self.scatter_y = chosen[1] if len(chosen) > 1 else self.scatter_x

    def mask(self, species: np.ndarray, selection: np.ndarray) -> np.ndarray:
        """(N,) bool of the particles correlated: the species mask, and the selection when
        asked for (and not empty)."""
        mask = species.copy()
        if self.corr_selection_only and len(selection):
            sel = np.zeros(len(mask), dtype=bool)
            sel[selection] = True
            mask &= sel
        return mask

    def correlations(self, values: dict, mask: np.ndarray):
        """Correlation matrix (DataFrame) of ``values`` ((N,) arrays by name) over ``mask``;
        None without values."""
        from glassviz.analysis import correlation_table

        if not values:
            return None
        return correlation_table(values, method=self.corr_method, mask=mask)
