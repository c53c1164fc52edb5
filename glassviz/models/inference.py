"""Running propensity models on snapshots: graphs, batching (PyTorch Geometric ``Batch``), device, evaluation.

Many snapshots are predicted in one forward pass: their radius graphs are joined into one
disconnected graph (node indices offset per snapshot), which is exact because messages only
travel along edges.  CUDA is used when available, the CPU otherwise.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from glassviz.models.graphs import RadiusGraph, aa_short_edges, cubic_group, radius_graph, to_data
from glassviz.models.store import check_compatible


@dataclass
class Prediction:
    """One snapshot's prediction: ``nodes`` (N,), ``edges`` (E,) or None (NT-GNN), ``graph``."""

    nodes: np.ndarray
    edges: np.ndarray | None
    graph: RadiusGraph


def device():
    import torch

    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def graph_for(card: dict, snapshot, positions=None) -> RadiusGraph:
    g = card.get("graph", {})
    return radius_graph(snapshot, cutoff=g.get("cutoff", 2.0), self_edges=g.get("self_edges", card["arch"] == "ntgnn"),
                        positions=positions)


def forward_graphs(model, species: list[np.ndarray], graphs: list[RadiusGraph], hops: list | None = None) -> list[tuple]:
    """Run ``model`` once on the disjoint union of ``graphs`` (a PyG ``Batch``); per graph
    (nodes, edges or None).  ``hops``: per graph (N,) hop distances to the nodes whose
    predictions are wanted (only those are then exact; see :mod:`glassviz.models.core`)."""
    import torch
    from torch_geometric.data import Batch

    dev = next(model.parameters()).device
    batch = Batch.from_data_list([to_data(g, s) for g, s in zip(graphs, species)]).to(dev)
    extra = {}
    if hops is not None:
        extra["hops"] = torch.from_numpy(np.concatenate(hops).astype(np.int64)).to(dev)
    with torch.inference_mode():
        out = model(batch.species, batch.edge_attr, batch.edge_index[0], batch.edge_index[1], **extra)
    nodes, edges = (out if isinstance(out, tuple) else (out, None))
    nodes = nodes.float().cpu().numpy()
    edges = None if edges is None else edges.float().cpu().numpy()
    n_off = np.cumsum([0] + [g.n for g in graphs])
    e_off = np.cumsum([0] + [g.n_edges for g in graphs])
    return [(nodes[n_off[k]:n_off[k + 1]], None if edges is None else edges[e_off[k]:e_off[k + 1]])
            for k in range(len(graphs))]


def orientation_set(dim: int, orientations: int = 1) -> np.ndarray:
    """(K, d, d): the first ``orientations`` elements of the cubic group (:func:`cubic_group`,
    48 in 3D, 8 in 2D), the identity first."""
    from glassviz.errors import GlassvizError

    group = cubic_group(dim)
    if not 1 <= orientations <= len(group):
        raise GlassvizError(f"--orientations must be between 1 and {len(group)} in {dim}D, got {orientations}")
    ident = np.flatnonzero([np.allclose(m, np.eye(dim)) for m in group])[0]
    group = np.concatenate([group[ident:ident + 1], np.delete(group, ident, axis=0)])
    return group[:orientations]


def predict(model, card: dict, snapshots, batch_nodes: int = 200_000, orientations: int = 1) -> list[Prediction]:
    """Predictions for each snapshot (checked against the model's system and dimension).

    ``orientations`` K > 1 averages the prediction over the first K elements R of the cubic
    group (the edge vectors of the graph turned by R, which is the snapshot turned by R):

        p_i = (1/K) sum_R f_i(R r),        Delta r_ij = (1/K) sum_R g_ij(R r).

    With the whole group (K = 48 in 3D, 8 in 2D) the result is exactly invariant under the
    cubic group, which the networks only learn approximately from augmented training; the
    cost is K forward passes.
    """
    snapshots = list(snapshots)
    for s in snapshots:
        check_compatible(card, s)
    model = model.to(device())
    out: list[Prediction] = []
    batch: list = []
    turns = orientation_set(snapshots[0].dim, orientations) if snapshots else None

    def flush():
        graphs = [g for _, g in batch]
        species = [s.species for s, _ in batch]
        total = None
        for m in turns:
            turned = graphs if np.array_equal(m, np.eye(len(m))) else \
                [dataclasses.replace(g, vectors=(g.vectors @ m.T).astype(np.float32)) for g in graphs]
            res = forward_graphs(model, species, turned)
            if total is None:
                total = [[nodes.astype(np.float64), None if edges is None else edges.astype(np.float64)]
                         for nodes, edges in res]
            else:
                for acc, (nodes, edges) in zip(total, res):
                    acc[0] += nodes
                    if edges is not None:
                        acc[1] += edges
        k = len(turns)
        for (snap, g), (nodes, edges) in zip(batch, total):
            nodes = (nodes / k).astype(np.float32)
            edges = None if edges is None else (edges / k).astype(np.float32)
            out.append(Prediction(nodes, edges, g))
        batch.clear()

    for s in snapshots:
        batch.append((s, graph_for(card, s)))
        if sum(b[0].n for b in batch) >= batch_nodes:
            flush()
    if batch:
        flush()
    return out


def pearson_a(prediction: np.ndarray, truth: np.ndarray, species: np.ndarray) -> float:
    """Pearson correlation over type-A particles (species 0): the models' score."""
    a = species == 0
    return float(np.corrcoef(prediction[a], truth[a])[0, 1])


def edge_pearson(edges: np.ndarray, graph: RadiusGraph, species: np.ndarray, truth: np.ndarray,
                 r_max: float = 1.35) -> float:
    """BOTAN's edge score: Pearson between predicted and true pair-distance changes, both (E,)
    on the graph's edges (``pair_values_on_edges``), over A-A pairs with r_ij(0) < r_max."""
    keep = aa_short_edges(graph, species, r_max) & np.isfinite(truth)
    return float(np.corrcoef(edges[keep], truth[keep])[0, 1])


def rotation_spread(model, card: dict, snapshot) -> np.ndarray:
    """(G, N) predictions for the snapshot turned by each element of the cubic group (48 in 3D,
    8 in 2D; the identity is row 0).

    The networks are not built invariant; they learn it from the random rotations/reflections
    of training, so the spread of these rows measures how well they did.  The box must be cubic
    (square) for the turned snapshot to be the same periodic system; the graph's edge vectors
    are turned, which is the same thing.
    """

    h = snapshot.h
    if not np.allclose(h, np.eye(snapshot.dim) * h[0, 0]):
        from glassviz.errors import InputError

        raise InputError(snapshot.source, "the rotation check needs a cubic (square) box")
    check_compatible(card, snapshot)
    model = model.to(device())
    graph = graph_for(card, snapshot)
    group = orientation_set(snapshot.dim, len(cubic_group(snapshot.dim)))
    rows = []
    for m in group:
        turned = dataclasses.replace(graph, vectors=(graph.vectors @ m.T).astype(np.float32))
        rows.append(forward_graphs(model, [snapshot.species], [turned])[0][0])
    return np.stack(rows)
