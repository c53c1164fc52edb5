"""The field values store: raw values from the field registry
(:func:`glassviz.fields.compute_field`), cached per snapshot, horizon and particle sizes (model
fields also in the server-wide :mod:`glassviz.app.shared_values`), and the
values as the views show them (:func:`glassviz.fields.postprocess`: coarse-graining ξ, min-max
normalisation, 1 - X), cached per setting.

A field that cannot be computed for this snapshot (e.g. Tong–Tanaka Θ of an unrecognised system
without particle sizes) is left out of :meth:`FieldValues.shown` and its one-line reason is
kept (:meth:`FieldValues.error`): its own view says why, every other view works.
"""

from __future__ import annotations

import numpy as np
import param

from glassviz.app.choice import NONE, FieldChoice
from glassviz.app.shared_values import VALUES, content_key
from glassviz.app.sizes import ParticleSizes
from glassviz.errors import GlassvizError
from glassviz.fields.names import FieldName


def _reason(name: str, exc: Exception) -> str:
    """One line saying why ``name`` could not be computed."""
    text = str(exc) if isinstance(exc, GlassvizError) else f"{exc.__class__.__name__}: {exc}"
    return f"{name}: {text.splitlines()[0] if text else exc.__class__.__name__}"


class FieldValues(param.Parameterized):
    """(N,) values of the chosen fields of the shown snapshot."""

    choice = param.ClassSelector(class_=FieldChoice, doc="what is shown and how it is processed")
    sizes = param.ClassSelector(class_=ParticleSizes, doc="particle sizes of the size-dependent fields")
    version = param.Integer(default=0, doc="bumped once per change of the shown values")

    def __init__(self, **params):
        super().__init__(**params)
        self.snapshot = None
        self._ctx = None
        self._content = None
        self._raw: dict = {}
        self._errors: dict[str, str] = {}
        self._shown: dict = {}
        self._shown_key = None
        self._bumped = None
        self._generation = 0  # one per snapshot shown
        self.held = False  # the session is resetting the stores: bump once at the end
        self.choice.param.watch(lambda *_: self.bump(),
                                ["fields", "xi", "normalize", "one_minus", "opacity_field", "orientations"])
        self.sizes.param.watch(lambda *_: self._new_sizes(), ["version"])

    def reset(self, snapshot) -> None:
        """Forget every value (another snapshot)."""
        from glassviz.fields import FieldContext

        self.snapshot = snapshot
        self._generation += 1
        self._ctx = FieldContext(snapshot)
        self._content = None
        self._raw, self._errors, self._shown, self._shown_key = {}, {}, {}, None

    def clear(self) -> None:
        """Drop every cached value (a closed session)."""
        self.snapshot, self._ctx, self._content = None, None, None
        self._raw, self._errors, self._shown, self._shown_key = {}, {}, {}, None

    def _new_sizes(self) -> None:
        """Other particle sizes: recompute the plain fields (model predictions and the Voronoi
        tessellation in the context's cache do not depend on them)."""
        if self._ctx is None:
            return
        self._raw = {k: v for k, v in self._raw.items() if FieldName.parse(k[0]).is_model}
        self._errors = {}
        self._shown_key = None
        self.bump(force=True)

    def _raw_key(self, name: str):
        from glassviz.fields import FIELDS

        spec = FIELDS.get(name)
        if FieldName.parse(name).is_model:
            return (name, self.turns())
        return (name, self.choice.time) if spec is not None and spec.needs_ensemble else (name, None)

    def turns(self) -> int:
        """Orientations the propensity models average over: the choice, at most the size of
        the snapshot's cubic group (8 in 2D)."""
        return min(int(self.choice.orientations), 8 if self.snapshot.dim == 2 else 48)

    def raw(self, name: str) -> np.ndarray:
        """(N,) raw values of a field (cached); raises GlassvizError when it cannot be computed."""
        from glassviz.fields import compute_field

        key = self._raw_key(name)
        if key not in self._raw:
            ctx = self._ctx
            ctx.time, ctx.orientations = self.choice.time, self.turns()
            ctx.sigma, ctx.system = self.sizes.matrix, self.sizes.system_name
            field = FieldName.parse(name)
            if field.is_model:
                def compute():
                    if field.kind in ("propensity", "edge_change"):
                        self.prediction(field.model)  # the shared prediction, which the field reads
                    return compute_field(ctx, name)

                # seconds each on a CPU: shared with the server's other sessions
                self._raw[key] = VALUES.get((self.content(), *key), compute)
            else:
                self._raw[key] = compute_field(ctx, name)
        return self._raw[key]

    def content(self) -> str:
        """The shown configuration's content key (:func:`glassviz.app.shared_values.content_key`)."""
        if self._content is None:
            self._content = content_key(self.snapshot)
        return self._content

    def shown(self) -> dict[str, np.ndarray]:
        """(N,) values as the views show them, for the chosen fields (and the opacity field)
        that could be computed."""
        from glassviz.fields import postprocess

        if self.snapshot is None:
            return {}
        key = self.choice.processing_key()
        if key != self._shown_key:
            raw, errors = {}, {}
            for n in self.choice.wanted():
                try:
                    raw[n] = self.raw(n)
                except Exception as exc:  # noqa: BLE001 - one field's failure stays in its view
                    errors[n] = _reason(n, exc)
            self._errors = errors
            self._shown = postprocess(self.snapshot, raw, xi=self.choice.xi, normalize=self.choice.normalize,
                                      one_minus=[n for n in self.choice.one_minus if n in raw]) if raw else {}
            self._shown_key = key
        keep = set(self.choice.fields) | {self.choice.opacity_field}
        return {n: v for n, v in self._shown.items() if n in keep}

    def error(self, name: str) -> str | None:
        """Why ``name`` could not be computed (one line), or None."""
        self.shown()
        return self._errors.get(name)

    def errors(self) -> dict[str, str]:
        """Every chosen field that could not be computed, with its reason."""
        self.shown()
        return dict(self._errors)

    def prediction(self, model: str):
        """The propensity model's :class:`~glassviz.models.inference.Prediction` (nodes, edges,
        graph) for this snapshot, shared with its ``propensity@``/``edge_change@`` fields."""
        from glassviz.fields.models import prediction, prediction_key

        ctx = self._ctx
        ctx.orientations = self.turns()
        key = prediction_key(model, ctx.orientations)
        if key not in ctx.cache:
            ctx.cache[key] = VALUES.get((self.content(), *key), lambda: prediction(ctx, model))
        return ctx.cache[key]

    def attention(self, model: str):
        """The attention classifier's per-edge result for this snapshot (cached)."""
        from glassviz.fields.models import attention

        return attention(self._ctx, model)

    def alpha(self) -> np.ndarray:
        """(N,) opacity: 1, or 0.05 + 0.95 X̃ of the opacity field (Oyama Fig. 1e-g); 1 when
        that field cannot be computed."""
        shown = self.shown()
        name = self.choice.opacity_field
        if name == NONE or name not in shown:
            return np.ones(self.snapshot.n)
        from glassviz.structure import minmax

        return 0.05 + 0.95 * np.nan_to_num(minmax(shown[name]), nan=0.0)

    def bump(self, force: bool = False) -> None:
        """Bump ``version`` once per change of the shown values (a snapshot or horizon change
        sets several parameters; the views redraw once)."""
        if self.snapshot is None or self.held:
            return
        self.shown()
        key = (self._generation, self._shown_key)
        if force or key != self._bumped:
            self._bumped = key
            self.version += 1
