"""Shell ablation of a graph network's prediction for one marked particle (Bapst et al.,
Nat. Phys. 16, 448 (2020), Fig. 4).

Shells are hop distances from the marked particle in the model's radius graph (shell 0 is the
particle, shell 1 its graph neighbours, ...).  Two experiments, each as a function of n:

* keep: only the particles of shells <= n remain; the network runs on that subgraph alone;
* stretch: every particle of a shell > n is moved radially outward from the marked particle by
  ``delta`` (minimum-image direction); the graph's edges are kept and their vectors follow the
  moved particles, so the perturbation is purely geometric.

With every shell kept, or with delta = 0, the prediction equals the full prediction exactly.
All n variants of a mode run in one batched forward pass (disjoint union of graphs).
"""

from __future__ import annotations

import numpy as np

from glassviz.errors import GlassvizError
from glassviz.models.graphs import RadiusGraph
from glassviz.snapshot import minimum_image


def hop_shells(graph: RadiusGraph, particle: int) -> np.ndarray:
    """(N,) hop distance of every node from ``particle`` (-1 where unreachable)."""
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import shortest_path

    off = graph.senders != graph.receivers
    adj = csr_matrix((np.ones(off.sum()), (graph.senders[off], graph.receivers[off])), shape=(graph.n, graph.n))
    dist = shortest_path(adj, directed=False, unweighted=True, indices=particle)
    out = np.where(np.isfinite(dist), dist, -1).astype(np.int64)
    return out


class ShellAblation:
    """Prediction for a marked particle versus n in keep and stretch modes.

    Parameters
    ----------
    model, card : a propensity model and its card (:func:`glassviz.models.store.load_model`).
    snapshot : the configuration.

    Results (after :meth:`compute`): ``shells`` (N,), ``n`` (K,), ``full`` (float),
    ``keep`` (K,), ``stretch`` (K,), ``kept_counts`` (K,).
    """

    def __init__(self, model, card: dict, snapshot, max_edges_per_batch: int = 1_500_000):
        from glassviz.models.inference import graph_for
        from glassviz.models.store import check_compatible

        check_compatible(card, snapshot)
        self.model, self.card, self.snapshot = model, card, snapshot
        self.graph = graph_for(card, snapshot)
        self.max_edges = max_edges_per_batch

    def _run(self, species_list, graphs, particle_index_list, hops_list):
        """Prediction for each variant's marked particle; the core only visits nodes within
        reach of it (``hops``), which gives the marked particle's exact result."""
        from glassviz.models.inference import forward_graphs

        out, batch = [], []
        edges = 0

        def flush():
            res = forward_graphs(self.model, [b[0] for b in batch], [b[1] for b in batch], [b[3] for b in batch])
            out.extend(float(nodes[b[2]]) for (nodes, _), b in zip(res, batch))
            batch.clear()

        for item in zip(species_list, graphs, particle_index_list, hops_list):
            if batch and edges + item[1].n_edges > self.max_edges:
                flush()
                edges = 0
            batch.append(item)
            edges += item[1].n_edges
        if batch:
            flush()
        return np.array(out)

    def compute(self, particle: int, n_values=range(1, 8), modes=("keep", "stretch"), delta: float = 0.1,
                progress=None) -> ShellAblation:
        """``particle``: row index of the marked particle."""
        if not 0 <= particle < self.snapshot.n:
            raise GlassvizError(f"particle index {particle} outside 0..{self.snapshot.n - 1}")
        g, sp = self.graph, self.snapshot.species
        self.particle = particle
        self.shells = hop_shells(g, particle)
        hops = np.where(self.shells < 0, np.iinfo(np.int32).max, self.shells)
        self.n = np.asarray(list(n_values), dtype=np.int64)
        self.delta = delta
        self.full = self._run([sp], [g], [particle], [hops])[0]
        if progress:
            progress("full")
        self.keep = self.stretch = None
        if "keep" in modes:
            subs, idx_list, counts = [], [], []
            for n in self.n:
                keep = (self.shells >= 0) & (self.shells <= n)
                sub, idx = g.subgraph(keep)
                subs.append(sub)
                idx_list.append(idx)
                counts.append(len(idx))
            marked = [int(np.flatnonzero(idx == particle)[0]) for idx in idx_list]
            self.keep = self._run([sp[idx] for idx in idx_list], subs, marked, [hops[idx] for idx in idx_list])
            self.kept_counts = np.array(counts)
            if progress:
                progress("keep")
        if "stretch" in modes:
            rel = minimum_image(self.snapshot.h, self.snapshot.positions - self.snapshot.positions[particle])
            norm = np.linalg.norm(rel, axis=1)
            unit = np.divide(rel, norm[:, None], out=np.zeros_like(rel), where=norm[:, None] > 0)
            graphs = []
            for n in self.n:
                shift = np.where((self.shells > n)[:, None], delta * unit, 0.0)
                vec = (g.vectors + (shift[g.receivers] - shift[g.senders])).astype(np.float32)
                graphs.append(RadiusGraph(g.senders, g.receivers, vec, g.n, g.cutoff, g.self_edges))
            self.stretch = self._run([sp] * len(graphs), graphs, [particle] * len(graphs), [hops] * len(graphs))
            if progress:
                progress("stretch")
        return self

    def table(self):
        import pandas as pd

        data = {"n": self.n, "full": self.full}
        if self.keep is not None:
            data["keep"] = self.keep
            data["kept_particles"] = self.kept_counts
        if self.stretch is not None:
            data[f"stretch_delta_{self.delta:g}"] = self.stretch
        data["shell_size"] = [int(np.sum(self.shells == n)) for n in self.n]
        return pd.DataFrame(data)
