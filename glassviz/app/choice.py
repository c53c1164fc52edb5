"""The field choice store: which fields are shown (one view each), at which time horizon, and
how they are processed (Oyama's coarse-graining ξ, min-max normalisation, 1 - X), the opacity
field and the species filter.  What is offered comes from :class:`ModelCatalogue`; changing the
horizon swaps every chosen ``propensity@``/``edge_change@`` field for the model of the same
architecture at the new horizon."""

from __future__ import annotations

import param

from glassviz.app.catalogue import ModelCatalogue
from glassviz.fields.names import PROPENSITY_KINDS

NONE = "none"


class FieldChoice(param.Parameterized):
    """What the views show (values live in :class:`glassviz.app.values.FieldValues`)."""

    time = param.Selector(default=None, objects=[None], doc="time horizon t (LJ)")
    fields = param.ListSelector(default=[], objects=[], doc="fields shown, one view each")
    xi = param.Number(default=0.0, bounds=(0.0, 6.0), step=0.5, doc="coarse-graining length ξ (0 = raw)")
    normalize = param.Boolean(default=False, doc="min-max normalise each field to [0, 1]")
    one_minus = param.ListSelector(default=[], objects=[], doc="fields shown as 1 - X")
    opacity_field = param.Selector(default=NONE, objects=[NONE], doc="field setting the opacity")
    species = param.Selector(default="all", objects=["all"], doc="species shown")
    orientations = param.Selector(default=1, objects=[1, 8, 48],
                                  doc="propensity models: prediction averaged over this many rotations/reflections "
                                      "of the cubic group (48: exactly invariant; 8 in 2D at most; K passes each)")

    def __init__(self, **params):
        super().__init__(**params)
        self.catalogue: ModelCatalogue | None = None
        self._cards = None

    def cards(self) -> list[dict]:
        """Every model card of the store (read once per session)."""
        from glassviz.models.store import list_cards

        if self._cards is None:
            self._cards = list_cards()
        return self._cards

    def reset(self, snapshot, keep: list[str] | None = None) -> None:
        """Offer what fits ``snapshot``; keep the fields ``keep`` (another frame of the same
        file) or choose the defaults (another file)."""
        self.catalogue = ModelCatalogue(snapshot, self.cards())
        with param.parameterized.batch_call_watchers(self):
            self.param.species.objects = ["all"] + [str(lab) for lab in snapshot.type_labels]
            self.species = "all"
            times = self.catalogue.horizons()
            self.param.time.objects = times or [None]
            if keep is None or self.time not in times:
                with param.parameterized.discard_events(self):
                    self.time = self.catalogue.default_time()
            self.refresh(keep)

    def refresh(self, wanted: list[str] | None = None) -> None:
        """Offer the fields available at the current horizon; show ``wanted`` (those offered)
        or the defaults."""
        avail = self.catalogue.available_fields(self.time)
        if wanted is None:
            wanted = self.catalogue.default_fields(self.time)
        self.param.fields.objects = avail
        self.param.one_minus.objects = avail
        self.fields = [n for n in wanted if n in avail]
        self.one_minus = [n for n in self.one_minus if n in avail]
        self.param.opacity_field.objects = [NONE] + avail
        if self.opacity_field not in self.param.opacity_field.objects:
            self.opacity_field = NONE

    @param.depends("time", watch=True, on_init=False)
    def _on_time(self):
        if self.catalogue is None:
            return
        self.refresh(self.catalogue.swap_to(list(self.fields), self.time) if self.fields else None)

    def wanted(self) -> list[str]:
        """The fields whose values the views need: the shown ones and the opacity field."""
        names = list(self.fields)
        if self.opacity_field != NONE and self.opacity_field not in names:
            names.append(self.opacity_field)
        return names

    def processing_key(self) -> tuple:
        """Everything the shown values depend on besides the snapshot and the particle sizes."""
        return (tuple(self.wanted()), self.time, float(self.xi), bool(self.normalize), tuple(sorted(self.one_minus)),
                int(self.orientations))

    def state(self, name: str) -> str:
        """How ``name`` is processed ('raw', 'coarse-grained ξ = 3, normalised', ...)."""
        from glassviz.app.labels import state_label
        from glassviz.fields.names import FieldName

        text = state_label(self.xi, self.normalize, name in self.one_minus)
        f = FieldName.parse(name)
        if self.orientations > 1 and f.is_model and f.kind in PROPENSITY_KINDS:
            text += f", {self.orientations} orientations"
        return text

    def title(self, name: str) -> str:
        from glassviz.app.labels import field_title
        from glassviz.fields.names import FieldName

        return field_title(name, None if FieldName.parse(name).is_model else self.time)
