"""The periodic radius graph shared by every graph model (NT-GNN, BOTAN, attention).

Edges are ordered pairs (sender s, receiver r) with minimum-image distance |r_r - r_s| < cutoff,
both directions of every pair, plus one self-edge per particle when ``self_edges`` (the
DeepMind NT-GNN needs them: dropping them destroys its predictions, see
``../shared/data/PROVENANCE.md``).  The edge feature is the float64 minimum-image vector
pos[receiver] - pos[sender], cast to float32 for the networks.  Edges are sorted by receiver.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from glassviz.errors import GlassvizError


@dataclass
class RadiusGraph:
    """Shapes: ``senders``, ``receivers`` (E,) int64; ``vectors`` (E, d) float32
    (pos[receiver] - pos[sender]); ``n`` nodes; ``cutoff``; ``self_edges``."""

    senders: np.ndarray
    receivers: np.ndarray
    vectors: np.ndarray
    n: int
    cutoff: float
    self_edges: bool

    @property
    def n_edges(self) -> int:
        return len(self.senders)

    def subgraph(self, keep: np.ndarray) -> tuple["RadiusGraph", np.ndarray]:
        """The graph induced on the nodes ``keep`` (bool (N,) or indices); returns it and the
        (K,) original indices of its nodes."""
        idx = np.flatnonzero(keep) if np.asarray(keep).dtype == bool else np.asarray(keep)
        new = np.full(self.n, -1, dtype=np.int64)
        new[idx] = np.arange(len(idx))
        e = (new[self.senders] >= 0) & (new[self.receivers] >= 0)
        return RadiusGraph(new[self.senders[e]], new[self.receivers[e]], self.vectors[e], len(idx), self.cutoff,
                           self.self_edges), idx


def radius_graph(snapshot, cutoff: float = 2.0, self_edges: bool = True,
                 positions: np.ndarray | None = None) -> RadiusGraph:
    """Periodic radius graph of ``snapshot`` (or of other ``positions`` in its box).

    The cutoff must be below half the shortest box height, so that every pair has one image.
    """
    from glassviz.errors import InputError
    from glassviz.snapshot import minimum_image
    from glassviz.structure.neighbours import pairs_within

    if cutoff >= 0.5 * snapshot.heights.min():
        raise InputError(snapshot.source, f"box too small for a graph cutoff of {cutoff:g} "
                         f"(shortest box height {snapshot.heights.min():.4g} must exceed {2 * cutoff:g})")
    snap = snapshot if positions is None else snapshot.with_positions(positions)
    i, j, _ = pairs_within(snap, cutoff)
    vec = minimum_image(snap.h, snap.positions[j] - snap.positions[i])
    n = snap.n
    send = np.concatenate([i, j] + ([np.arange(n)] if self_edges else []))
    recv = np.concatenate([j, i] + ([np.arange(n)] if self_edges else []))
    vectors = np.concatenate([vec, -vec] + ([np.zeros((n, snap.dim))] if self_edges else []))
    order = np.lexsort((send, recv))
    return RadiusGraph(send[order].astype(np.int64), recv[order].astype(np.int64),
                       vectors[order].astype(np.float32), n, float(cutoff), self_edges)


def to_data(graph: RadiusGraph, species: np.ndarray):
    """The graph as a PyTorch Geometric ``Data``: ``species`` (N,) int64, ``edge_index``
    (2, E) [senders; receivers], ``edge_attr`` (E, d) float32 vectors."""
    import torch
    from torch_geometric.data import Data

    return Data(species=torch.from_numpy(np.asarray(species, dtype=np.int64)),
                edge_index=torch.from_numpy(np.stack([graph.senders, graph.receivers])),
                edge_attr=torch.from_numpy(graph.vectors), num_nodes=graph.n)


def cubic_group(dim: int = 3) -> np.ndarray:
    """(48, 3, 3) (or (8, 2, 2) in 2D) signed permutation matrices: the rotations and
    reflections that map a cubic (square) periodic box onto itself.  Rotating every edge vector
    of a radius graph by one of them is the same as rotating the snapshot."""
    mats = []
    for perm in itertools.permutations(range(dim)):
        for signs in itertools.product((1.0, -1.0), repeat=dim):
            m = np.zeros((dim, dim))
            m[np.arange(dim), perm] = signs
            mats.append(m)
    return np.array(mats, dtype=np.float32)


AT_CUTOFF = 1e-4  # σ: far above float32 rounding of positions (~1e-6 σ in a box of 15 σ)


def pair_values_on_edges(graph: RadiusGraph, pairs: np.ndarray, change: np.ndarray) -> np.ndarray:
    """(E,) float32: values of pairs i < j ((P, 2), (P,)) on both of the graph's directed edges
    of each pair (self-edges: 0).

    Every non-self edge must have a pair value, except edges within ``AT_CUTOFF`` of the graph's
    cutoff: data files choose their pairs from the float64 positions of the simulation and store
    float32 positions, so a pair at r = 2 - 1e-7 in the graph may be at 2 + 1e-7 in the file.
    Those edges get NaN (no target; the training loss and the scores skip them)."""
    n = graph.n
    lo = np.minimum(graph.senders, graph.receivers)
    hi = np.maximum(graph.senders, graph.receivers)
    key = lo * n + hi
    pkey = pairs[:, 0].astype(np.int64) * n + pairs[:, 1]
    order = np.argsort(pkey)
    pos = np.searchsorted(pkey[order], key)
    pos = np.minimum(pos, len(pkey) - 1)
    ok = pkey[order][pos] == key
    out = np.zeros(graph.n_edges, dtype=np.float32)
    out[ok] = change[order[pos[ok]]]
    missing = (~ok) & (graph.senders != graph.receivers)
    at_cutoff = missing & (np.linalg.norm(graph.vectors, axis=1) > graph.cutoff - AT_CUTOFF)
    out[at_cutoff] = np.nan
    missing &= ~at_cutoff
    if missing.any():
        raise GlassvizError(f"{missing.sum()} graph edges have no stored pair-distance change "
                            "(the data's edge cutoff is smaller than the graph's)")
    return out


def aa_short_edges(graph: RadiusGraph, species: np.ndarray, r_max: float = 1.35) -> np.ndarray:
    """(E,) bool: one directed edge (sender < receiver) per A-A pair closer than ``r_max``
    (the pairs BOTAN's edge score is computed on: the first neighbour shell of A)."""
    r = np.linalg.norm(graph.vectors, axis=1)
    return ((species[graph.senders] == 0) & (species[graph.receivers] == 0) & (r < r_max)
            & (graph.senders < graph.receivers))
