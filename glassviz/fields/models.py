"""Per-particle fields from propensity models, for ``glassviz fields``, the dashboard and tables.

``propensity@MODEL``   the model's predicted propensity of every particle (the model's time).
``edge_change@MODEL``  BOTAN only: the mean predicted pair-distance change Delta r_ij(t) over the
                       pairs i belongs to in the model's graph (r_ij(0) < cutoff), i.e. over the
                       directed edges received by i (each pair contributes once to each end).
``propensity_mean@MODEL``, ``propensity_std@MODEL``
                       models with an ensemble (their card lists its members, the model first;
                       :func:`glassviz.models.store.set_ensemble`): the mean over the M members'
                       predicted propensities and their sample standard deviation,
                       sigma_i = sqrt(sum_m (p_i^m - mean_i)^2 / (M - 1)), a per-particle
                       uncertainty of the prediction.
``gradcam@MODEL``      CNN classifiers: the Grad-CAM score Gamma_i of the ``glass`` class (of the
                       predicted class for models without one), :mod:`glassviz.explain.gradcam`.
``attention@MODEL``    attention classifiers: the attention a particle receives from its
                       neighbours, :mod:`glassviz.explain.attention`.

The fields of one model share one forward pass per snapshot (cached in the field context);
:func:`run_many` makes that pass for many snapshots at once (batch jobs): one batched forward
pass for propensity models and attention classifiers, one batched forward and backward pass for
Grad-CAM.  Models are read
once per process (:func:`cached_model`), not once per snapshot.
Registered lazily by :mod:`glassviz.fields.registry` so the plain-field path never imports torch.
"""

from __future__ import annotations

import numpy as np

from glassviz.errors import GlassvizError
from glassviz.fields.names import ENSEMBLE_KINDS
from glassviz.fields.registry import register_model_field

# field kinds whose model pass is batched across snapshots (see run_many)
BATCHED_KINDS = ("propensity", "edge_change", "gradcam", "attention", "propensity_mean", "propensity_std")
_MODELS: dict = {}


def cached_model(name: str):
    """(model, card) of ``name``, read once per process (again only if its weights file changes),
    on the GPU when there is one (:func:`glassviz.models.inference.device`), else the CPU."""
    import os

    from glassviz.models.inference import device
    from glassviz.models.store import load_model, locate

    weights, _ = locate(name)
    key = (name, weights, os.stat(weights).st_mtime_ns)
    if key not in _MODELS:
        for old in [k for k in _MODELS if k[0] == name]:
            del _MODELS[old]
        model, card = load_model(name)
        _MODELS[key] = (model.to(device()), card)
    return _MODELS[key]


def _propensity_model(name: str):
    model, card = cached_model(name)
    if card.get("kind") != "propensity":
        raise GlassvizError(f"model {name!r} is a {card.get('kind')} model; propensity fields need a "
                            "propensity model (NT-GNN or BOTAN)")
    return model, card


def passes(field) -> list[str]:
    """Models whose forward pass the field (a :class:`~glassviz.fields.names.FieldName` of a
    model field) needs: the members of the ensemble for the ensemble kinds, else the model."""
    if field.kind in ENSEMBLE_KINDS:
        return members(field.model)
    return [field.model]


def members(name: str) -> list[str]:
    """The members of the ensemble of model ``name`` (``name`` first)."""
    from glassviz.models.store import ensemble_members

    _, card = _propensity_model(name)
    names = ensemble_members(card)
    if len(names) < 2:
        raise GlassvizError(f"model {name!r} has no ensemble (its card lists no members); "
                            "propensity_mean@ and propensity_std@ need one")
    return names


def _member_predictions(ctx, name: str) -> np.ndarray:
    """(M, N) the propensities predicted by the M members of ``name``'s ensemble."""
    return np.stack([prediction(ctx, m).nodes for m in members(name)])


def propensity_mean_field(ctx, name: str) -> np.ndarray:
    return _member_predictions(ctx, name).mean(axis=0)


def propensity_std_field(ctx, name: str) -> np.ndarray:
    return _member_predictions(ctx, name).std(axis=0, ddof=1)


def prediction_key(name: str, orientations: int) -> tuple:
    """The key a context caches model ``name``'s prediction under (one per number of turns)."""
    return ("prediction", name, orientations)


def prediction(ctx, name: str):
    """The model's :class:`~glassviz.models.inference.Prediction` for ``ctx.snapshot``, averaged
    over ``ctx.orientations`` turns (cached per number of turns)."""
    key = prediction_key(name, ctx.orientations)
    if key not in ctx.cache:
        from glassviz.models.inference import predict

        model, card = _propensity_model(name)
        ctx.cache[key] = predict(model, card, [ctx.snapshot], orientations=ctx.orientations)[0]
    return ctx.cache[key]


def run_many(contexts, name: str) -> None:
    """One batched pass of model ``name`` over the snapshots of ``contexts`` (a list of
    :class:`~glassviz.fields.registry.FieldContext`), stored in each context's cache, so that
    the model's fields (``propensity@``/``edge_change@``, ``gradcam@``, ``attention@``) then
    cost nothing per snapshot.  The same numbers as one pass per snapshot: the graphs of a batch
    are disjoint and the CNN's samples independent."""
    _, card = cached_model(name)
    if card.get("kind") == "propensity":
        key = prediction_key(name, contexts[0].orientations)

        def run(name, snapshots):
            return _predict_many(name, snapshots, contexts[0].orientations)
    elif card.get("arch") == "cnn":
        key, run = ("gradcam", name), _gradcam_many
    else:
        key, run = ("attention", name), _attention_many
    todo = [c for c in contexts if key not in c.cache]
    if todo:
        for ctx, result in zip(todo, run(name, [c.snapshot for c in todo]), strict=True):
            ctx.cache[key] = result


def _predict_many(name: str, snapshots, orientations: int = 1) -> list:
    from glassviz.models.inference import predict

    model, card = _propensity_model(name)
    return predict(model, card, snapshots, orientations=orientations)


def _gradcam_many(name: str, snapshots) -> list:
    from glassviz.explain.gradcam import GradCAM

    return GradCAM(*_classifier(name, "cnn")).compute_many(snapshots)


def _attention_many(name: str, snapshots) -> list:
    from glassviz.explain.attention import Attention

    return Attention(*_classifier(name, "attention")).compute_many(snapshots)


def propensity_field(ctx, name: str) -> np.ndarray:
    return prediction(ctx, name).nodes


def edge_change_field(ctx, name: str) -> np.ndarray:
    pred = prediction(ctx, name)
    if pred.edges is None:
        raise GlassvizError(f"model {name!r} predicts no pair-distance changes; edge_change@ needs a BOTAN model")
    g = pred.graph
    real = g.senders != g.receivers
    sums = np.bincount(g.receivers[real], weights=pred.edges[real], minlength=g.n)
    counts = np.bincount(g.receivers[real], minlength=g.n)
    return np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)


def _classifier(name: str, arch: str):
    model, card = cached_model(name)
    if card.get("arch") != arch:
        want = "a CNN classifier" if arch == "cnn" else "an attention classifier"
        raise GlassvizError(f"model {name!r} is a {card.get('arch')} model; this field needs {want}")
    return model, card


def gradcam_field(ctx, name: str) -> np.ndarray:
    key = ("gradcam", name)
    if key not in ctx.cache:
        ctx.cache[key] = _gradcam_many(name, [ctx.snapshot])[0]
    return ctx.cache[key].values


def attention(ctx, name: str):
    """The attention classifier's result for ``ctx.snapshot`` (per-edge coefficients, graph,
    per-particle values; cached, and filled by :func:`run_many` in batch jobs)."""
    key = ("attention", name)
    if key not in ctx.cache:
        ctx.cache[key] = _attention_many(name, [ctx.snapshot])[0]
    return ctx.cache[key]


def attention_field(ctx, name: str) -> np.ndarray:
    return attention(ctx, name).values


register_model_field("gradcam", gradcam_field)
register_model_field("attention", attention_field)
register_model_field("propensity", propensity_field)
register_model_field("edge_change", edge_change_field)
register_model_field("propensity_mean", propensity_mean_field)
register_model_field("propensity_std", propensity_std_field)
