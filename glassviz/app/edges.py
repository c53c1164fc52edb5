"""Segments the 2D views draw over the particles: the bonds of an ``edge_change@MODEL`` view
(BOTAN's predicted pair-distance changes) and the attention edges of the picked particle in an
``attention@MODEL`` view, in the plane's coordinates (minimum image)."""

from __future__ import annotations

import numpy as np

EMPTY_EDGES = {"x0": [], "y0": [], "x1": [], "y1": [], "w": []}


def segments(snapshot, axes: list[int], i: np.ndarray, j: np.ndarray) -> dict:
    """Segments from particle i to the minimum image of j, in the in-plane coordinates
    ``axes``: dict of (M,) x0, y0, x1, y1."""
    from glassviz.snapshot import minimum_image

    d = minimum_image(snapshot.h, snapshot.positions[j] - snapshot.positions[i])
    start = snapshot.positions[i][:, axes]
    end = start + d[:, axes]
    return {"x0": start[:, 0], "y0": start[:, 1], "x1": end[:, 0], "y1": end[:, 1]}


def bonds(snapshot, prediction, rows: np.ndarray, axes: list[int]) -> dict:
    """The model graph's pairs (i < j) with both ends among ``rows`` (the slab), with the
    predicted pair-distance change Δr̂_ij (mean of both directions) as ``v``."""
    g = prediction.graph
    real = g.senders != g.receivers
    lo = np.minimum(g.senders[real], g.receivers[real]).astype(np.int64)
    hi = np.maximum(g.senders[real], g.receivers[real]).astype(np.int64)
    # both directed edges of a pair carry it: average them
    pairs, inverse = np.unique(lo * g.n + hi, return_inverse=True)
    v = np.bincount(inverse, weights=prediction.edges[real]) / np.bincount(inverse)
    i, j = pairs // g.n, pairs % g.n
    inslab = np.zeros(snapshot.n, dtype=bool)
    inslab[rows] = True
    keep = inslab[i] & inslab[j]
    seg = segments(snapshot, axes, i[keep], j[keep])
    seg["v"] = v[keep].astype(np.float64)
    return seg


def attention_edges(snapshot, attention, picked: int | None, axes: list[int]) -> dict:
    """Edges of the picked particle j: to each neighbour i that attends to it, with the weight
    α_ij (mean over layers and heads) as ``alpha`` and a line width ``w``."""
    if picked is None:
        return dict(EMPTY_EDGES)
    g = attention.graph
    out = np.flatnonzero((g.senders == picked) & (g.receivers != picked))
    if len(out) == 0:
        return dict(EMPTY_EDGES)
    alpha = attention.coefficients.mean(axis=(0, 2))[out]
    seg = segments(snapshot, axes, g.senders[out], g.receivers[out])
    seg["w"] = np.clip(40.0 * alpha, 0.5, 10.0)
    seg["alpha"] = alpha
    return seg
