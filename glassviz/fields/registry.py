"""The field registry: one name -> one computation, used by the CLI, the dashboard and batch jobs.

Plain fields (``voronoi_volume``, ``coordination``, ``tong_tanaka``, ``compactness``,
``propensity``) are registered by :mod:`glassviz.fields.indicators`; model fields
(``propensity@MODEL``, ``gradcam@MODEL``, ...) by :mod:`glassviz.fields.models` through
:func:`register_model_field`, imported on first use, so a new indicator or model appears
everywhere at once.  The file's own per-particle columns (``c_pe``, extxyz properties) are fields
too, under their own names; one that clashes with a built-in name is reached as ``file:NAME``
(:mod:`glassviz.fields.columns`).

:func:`compute_fields` applies the same post-processing to every field, in Oyama's order:
coarse-graining (ξ; 0 = raw), then min-max normalisation, then 1 - X for the fields named in
``one_minus``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from glassviz.errors import GlassvizError
from glassviz.fields.names import FieldName


@dataclass
class FieldContext:
    """What a field computation may use: the snapshot, options and a per-snapshot cache."""

    snapshot: object
    sigma: np.ndarray | None = None
    system: str | None = None
    time: float | None = None
    orientations: int = 1  # propensity models: average over this many cubic-group turns
    cache: dict = field(default_factory=dict)

    def voronoi(self):
        from glassviz.structure import VoronoiNeighbours

        if "voronoi" not in self.cache:
            self.cache["voronoi"] = VoronoiNeighbours().compute(self.snapshot)
        return self.cache["voronoi"]


@dataclass(frozen=True)
class FieldSpec:
    name: str
    description: str
    compute: Callable[[FieldContext], np.ndarray]
    units: str = ""
    dims: tuple = (2, 3)
    needs_ensemble: bool = False


FIELDS: dict[str, FieldSpec] = {}
MODEL_FIELDS: dict[str, Callable] = {}
# where each KIND@MODEL field is registered, imported on first use (keeps torch out of the
# plain-field path)
MODEL_FIELD_MODULES = {kind: "glassviz.fields.models" for kind in ("propensity", "edge_change", "gradcam", "attention",
                                                              "propensity_mean", "propensity_std")}


def register(spec: FieldSpec) -> None:
    FIELDS[spec.name] = spec


def register_model_field(kind: str, fn: Callable[[FieldContext, str], np.ndarray]) -> None:
    """Register ``KIND@MODEL`` fields: ``fn(ctx, model_name)`` returns (N,) values."""
    MODEL_FIELDS[kind] = fn


def available(snapshot) -> list[str]:
    """Field names that apply to ``snapshot``: the plain fields, then the file's own columns in
    file order (a clashing column as ``file:NAME``).  Model fields are not listed (any model
    from the store can be asked for as ``KIND@MODEL``)."""
    from glassviz.fields.columns import column_fields

    plain = [s.name for s in FIELDS.values()
             if snapshot.dim in s.dims and (not s.needs_ensemble or snapshot.ensemble is not None)]
    return plain + column_fields(snapshot)


def describe(name: str, snapshot=None) -> str:
    """One line saying what the field ``name`` is (for legends, tooltips and ``--help``)."""
    from glassviz.fields.columns import column_of

    column = column_of(snapshot, name) if snapshot is not None else None
    if column is not None:
        return f"column {column!r} of the file"
    if name in FIELDS:
        spec = FIELDS[name]
        return spec.description + (f" [{spec.units}]" if spec.units else "")
    parsed = FieldName.parse(name)
    if parsed.is_column:
        return f"column {parsed.kind!r} of the file"
    if parsed.is_model:
        return f"{parsed.kind} predicted by model {parsed.model}"
    return name


def compute_field(ctx: FieldContext, name: str) -> np.ndarray:
    from glassviz.fields.columns import column_of, column_values

    snap = ctx.snapshot
    parsed = FieldName.parse(name)
    column = column_of(snap, name)
    if column is not None:
        values = column_values(snap, column)
    else:
        try:
            values = _compute_builtin(ctx, name, parsed)
        except GlassvizError as exc:
            if name in (getattr(snap, "columns", None) or {}):  # say where the clashing column went
                raise GlassvizError(f"{exc} (the file's own column {name!r} is reached as 'file:{name}')") from None
            raise
    values = np.asarray(values, dtype=np.float64)
    if values.shape != (snap.n,):
        raise GlassvizError(f"field {name!r} returned shape {values.shape}, expected ({snap.n},)")
    return values


def _compute_builtin(ctx: FieldContext, name: str, parsed: FieldName) -> np.ndarray:
    snap = ctx.snapshot
    if parsed.is_model:
        kind, model = parsed.kind, parsed.model
        if kind not in MODEL_FIELDS and kind in MODEL_FIELD_MODULES:
            import importlib

            importlib.import_module(MODEL_FIELD_MODULES[kind])
        if kind not in MODEL_FIELDS:
            from glassviz.fields.columns import column_fields

            known = ", ".join(sorted(set(MODEL_FIELDS) | set(MODEL_FIELD_MODULES)))
            columns = ", ".join(column_fields(snap)) or "none"
            raise GlassvizError(f"unknown model field {name!r} (model field kinds: {known}; "
                                f"the file's columns: {columns})")
        return MODEL_FIELDS[kind](ctx, model)
    if name not in FIELDS:
        from glassviz.fields.columns import column_fields

        columns = ", ".join(column_fields(snap)) or "none"
        raise GlassvizError(f"unknown field {name!r}; fields: {', '.join(FIELDS)}; the file's columns: {columns}")
    spec = FIELDS[name]
    if snap.dim not in spec.dims:
        raise GlassvizError(f"{snap.source}: field {name!r} needs a {'/'.join(map(str, spec.dims))}D "
                            f"snapshot; this one is {snap.dim}D")
    return spec.compute(ctx)


def compute_fields(snapshot, names, *, xi: float = 0.0, r_cut: float | None = None,
                   normalize: bool = False, one_minus=(), sigma=None, system: str | None = None,
                   time: float | None = None, cg_method: str = "split", orientations: int = 1,
                   context: FieldContext | None = None) -> dict[str, np.ndarray]:
    """Compute named per-particle fields with the same post-processing for all.

    ``orientations``: propensity models average their prediction over this many elements of
    the cubic group (:func:`glassviz.models.inference.predict`; 48 = the whole group in 3D).

    Returns
    -------
    dict name -> (N,) float64, in the order asked.
    """
    names = list(dict.fromkeys(names))
    if not names:
        raise GlassvizError("no fields asked for")
    unknown_flips = set(one_minus) - set(names)
    if unknown_flips:
        raise GlassvizError(f"1 - X asked for field(s) not computed: {', '.join(sorted(unknown_flips))}")
    ctx = context or FieldContext(snapshot, sigma=sigma, system=system, time=time, orientations=orientations)
    raw = {name: compute_field(ctx, name) for name in names}
    return postprocess(snapshot, raw, xi=xi, r_cut=r_cut, normalize=normalize, one_minus=one_minus,
                       cg_method=cg_method)


def postprocess(snapshot, raw: dict, *, xi: float = 0.0, r_cut: float | None = None, normalize: bool = False,
                one_minus=(), cg_method: str = "split") -> dict[str, np.ndarray]:
    """Oyama's post-processing of raw (N,) fields: coarse-graining (ξ > 0), then min-max
    normalisation, then 1 - X for the names in ``one_minus``.  Returns a new dict, same order."""
    from glassviz.structure import CoarseGrain, minmax
    from glassviz.structure import one_minus as flip

    names = list(raw)
    if xi and xi > 0:
        stacked = np.column_stack([raw[n] for n in names])
        cg = CoarseGrain(xi, r_cut=r_cut, method=cg_method).compute(snapshot, stacked).fields
        raw = {n: cg[:, k] for k, n in enumerate(names)}
    out = {}
    for name in names:
        v = raw[name]
        if normalize:
            v = minmax(v)
        if name in one_minus:
            v = flip(v)
        out[name] = v
    return out
