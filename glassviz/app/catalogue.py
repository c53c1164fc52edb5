"""Which models and time horizons the dashboard offers for one snapshot.

A model fits a snapshot when :func:`glassviz.models.store.check_compatible` accepts it
(dimension, recognised system).  ``time`` is the horizon t: it picks the stored frame of the
ground-truth ``propensity`` and which propensity models are offered (a model matches a horizon
when their times differ by less than 5 %).  When the snapshot gives its temperature (meta T),
models trained at that temperature come first and choose the default horizon, so a T = 0.64 file
gets a T = 0.64 model's horizon, not the T = 0.44 one's.
"""

from __future__ import annotations

from glassviz.errors import GlassvizError
from glassviz.fields.names import ENSEMBLE_KINDS, PROPENSITY_KINDS, FieldName
from glassviz.models.store import ensemble_members

TIME_RTOL = 0.05
TEMPERATURE_RTOL = 0.02
MODEL_FIELD_ORDER = ("propensity", "edge_change", "propensity_mean", "propensity_std", "gradcam", "attention")
# one view of each of these (per architecture) is shown by default; the ensemble's fields cost a
# pass of every member, so they are offered, not drawn unasked
DEFAULT_MODEL_KINDS = ("propensity", "edge_change", "gradcam", "attention")

PLAIN_DEFAULTS = ("propensity", "voronoi_volume", "tong_tanaka")
DEFAULT_COLUMNS = 2  # the file's own columns shown when it opens


def same_time(a, b, rtol: float = TIME_RTOL) -> bool:
    """True when two times (or temperatures) agree within ``rtol`` (None never matches)."""
    return a is not None and b is not None and abs(a - b) <= rtol * max(abs(a), abs(b))


class ModelCatalogue:
    """The model cards that fit ``snapshot`` and what follows from them (horizons, fields)."""

    def __init__(self, snapshot, cards: list[dict]):
        from glassviz.models.store import check_compatible

        self.snapshot = snapshot
        self.cards = []
        for card in cards:
            if card.get("member_of"):  # offered through its ensemble's fields
                continue
            try:
                check_compatible(card, snapshot)
            except GlassvizError:
                continue
            self.cards.append(card)

    @property
    def stored_times(self) -> list[float]:
        """Horizons of the snapshot's own isoconfigurational ensemble (LJ time)."""
        ens = self.snapshot.ensemble
        return [] if ens is None else [float(t) for t in ens.times]

    def at_temperature(self, card: dict) -> bool:
        """The card was trained at the snapshot's temperature (False when either is unknown)."""
        return same_time(card.get("temperature"), self.snapshot.temperature, TEMPERATURE_RTOL)

    def card(self, name: str) -> dict:
        for card in self.cards:
            if card["name"] == name:
                return card
        raise GlassvizError(f"model {name!r} does not fit {self.snapshot.source}")

    def horizons(self) -> list[float]:
        """Stored horizons plus those of the fitting propensity models, sorted."""
        times = list(self.stored_times)
        for card in self.cards:
            t = card.get("time")
            if card.get("kind") == "propensity" and t is not None and not any(same_time(t, s) for s in times):
                times.append(float(t))
        return sorted(times)

    def propensity_models(self, time) -> list[dict]:
        """Propensity model cards at horizon ``time``, those at the snapshot's temperature first."""
        cards = [c for c in self.cards if c.get("kind") == "propensity" and same_time(c.get("time"), time)]
        return sorted(cards, key=lambda c: not self.at_temperature(c))

    def default_time(self):
        """The longest horizon that has a model, preferring (in this order) models at the
        snapshot's temperature with the ground truth stored, models at that temperature, any
        model with the ground truth stored, any model; None without horizons."""
        times = self.horizons()
        stored = self.stored_times
        with_models = [t for t in times if self.propensity_models(t)]
        at_t = [t for t in with_models if any(self.at_temperature(c) for c in self.propensity_models(t))]
        for group in ([t for t in at_t if t in stored], at_t, [t for t in with_models if t in stored],
                      with_models, times):
            if group:
                return group[-1]
        return None

    def available_fields(self, time) -> list[str]:
        """Field names that apply at horizon ``time``: the plain fields (ensemble fields first,
        when the ensemble holds this horizon), the file's own columns
        (:mod:`glassviz.fields.columns`), then the fitting models' fields."""
        from glassviz.fields import FIELDS
        from glassviz.fields.columns import column_fields

        snap = self.snapshot
        names = [s.name for s in FIELDS.values() if snap.dim in s.dims and not s.needs_ensemble]
        if time is not None and any(same_time(time, t) for t in self.stored_times):
            names = [s.name for s in FIELDS.values() if s.needs_ensemble] + names
        models = []
        for card in self.propensity_models(time):
            models.append(FieldName("propensity", card["name"]))
            if card.get("arch") == "botan":
                models.append(FieldName("edge_change", card["name"]))
            if len(ensemble_members(card)) > 1:
                models += [FieldName("propensity_mean", card["name"]), FieldName("propensity_std", card["name"])]
        for card in self.cards:
            if card.get("arch") == "cnn":
                models.append(FieldName("gradcam", card["name"]))
            elif card.get("arch") == "attention":
                models.append(FieldName("attention", card["name"]))
        rank = {c["name"]: k for k, c in enumerate(self.propensity_models(time))}
        models.sort(key=lambda f: (MODEL_FIELD_ORDER.index(f.kind), rank.get(f.model, len(rank)), f.model))
        return names + column_fields(snap) + [str(f) for f in models]

    def default_fields(self, time) -> list[str]:
        """The ground truth when stored, one model per kind and architecture (those at the
        snapshot's temperature first), Voronoi volume and Θ, then the file's first
        :data:`DEFAULT_COLUMNS` own columns (what its author wants to compare)."""
        from glassviz.fields.columns import column_fields

        avail = self.available_fields(time)
        plain = [n for n in PLAIN_DEFAULTS if n in avail]
        seen, chosen = set(), []
        for n in avail:
            f = FieldName.parse(n)
            if not (f.is_model and f.kind in DEFAULT_MODEL_KINDS):
                continue
            key = (f.kind, self.card(f.model).get("arch"))
            if key not in seen:
                seen.add(key)
                chosen.append(n)
        first = plain[:1] if plain[:1] == ["propensity"] else []
        own = column_fields(self.snapshot)[:DEFAULT_COLUMNS]
        return first + chosen + [n for n in plain if n not in first] + own

    def swap_to(self, names: list[str], time) -> list[str]:
        """``names`` at another horizon: each ``propensity@``/``edge_change@`` field becomes the
        same kind from the model of the same architecture at ``time`` (dropped when none)."""
        out = []
        for n in names:
            f = FieldName.parse(n)
            if f.is_model and f.kind in PROPENSITY_KINDS:
                arch = self.card(f.model).get("arch")
                match = [c for c in self.propensity_models(time) if c.get("arch") == arch
                         and (f.kind not in ENSEMBLE_KINDS or len(ensemble_members(c)) > 1)]
                if match:
                    out.append(str(f.with_model(match[0]["name"])))
            else:
                out.append(n)
        return out

    def ablation_models(self, time) -> tuple[list[str], list[str]]:
        """(every fitting propensity model, those at horizon ``time``), by name."""
        at = [c["name"] for c in self.propensity_models(time)]
        every = at + [c["name"] for c in self.cards if c.get("kind") == "propensity" and c["name"] not in at]
        return every, at
