"""The compare store: the correlation matrix of the shown fields (Pearson or Spearman; Oyama et
al. 2023 Fig. 3) over a species and optionally the selection only, and the two fields of the
scatter plot.

Propensity models are trained and scored on type-A particles (species 0; DESIGN "Model quality
is the Pearson correlation on type-A particles"), so while a ``propensity@``/``edge_change@``
field is shown the species correlated defaults to A, and :meth:`Comparison.describe` says what
the matrix is over ("Pearson over 3277 type-A particles").  A species the user picks stays
until another file is opened."""

from __future__ import annotations

import numpy as np
import param

from glassviz.fields.names import PROPENSITY_KINDS  # scored on type A


class Comparison(param.Parameterized):
    """Settings of the Compare tab and the correlations they give."""

    corr_method = param.Selector(default="pearson", objects=["pearson", "spearman"])
    corr_selection_only = param.Boolean(default=False)
    species = param.Selector(default="all", objects=["all"], doc="species correlated (type label, or all)")
    scatter_x = param.Selector(default=None, objects=[None])
    scatter_y = param.Selector(default=None, objects=[None])

    def __init__(self, **params):
        super().__init__(**params)
        self._user_species = False  # the user picked the species: no default overrides it
        self._setting = False
        self._selection_used = False
        self.param.watch(self._species_set, ["species"])

    def _species_set(self, *_):
        if not self._setting:
            self._user_species = True

    def reset(self, labels: list[str]) -> None:
        """Another file: its species labels (species 0 first) and the default species again."""
        self._user_species = False
        self._set_species(["all"] + [str(lab) for lab in labels], "all")

    def _set_species(self, objects: list[str], value: str) -> None:
        self._setting = True
        try:
            self.param.species.objects = objects
            self.species = value
        finally:
            self._setting = False

    def follow(self, fields: list[str]) -> None:
        """Default species for the fields shown: A (species 0) while a propensity model's field
        is shown, else all (unless the user picked one)."""
        from glassviz.fields.names import FieldName

        if self._user_species or len(self.param.species.objects) < 2:
            return
        scored = any(FieldName.parse(n).kind in PROPENSITY_KINDS and FieldName.parse(n).is_model for n in fields)
        self._set_species(list(self.param.species.objects), self.param.species.objects[1] if scored else "all")

    def species_mask(self, snapshot) -> np.ndarray:
        """(N,) bool of the species correlated."""
        from glassviz.snapshot import species_mask

        return species_mask(snapshot, None if self.species == "all" else self.species)

    def describe(self, snapshot, n_used: int) -> str:
        """What the matrix is over, e.g. 'Pearson over 3277 type-A particles (file type 1)'."""
        from glassviz.snapshot import species_index

        what = "selected " if self.corr_selection_only and n_used < snapshot.n and self._selection_used else ""
        method = self.corr_method.capitalize()
        if self.species == "all":
            return f"{method} over {n_used} {what}particles (all species)"
        letter = chr(65 + species_index(snapshot, self.species))
        return f"{method} over {n_used} {what}type-{letter} particles (file type {self.species})"

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
        self._selection_used = bool(self.corr_selection_only and len(selection))
        if self._selection_used:
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
