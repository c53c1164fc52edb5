"""The encode-process-decode loop shared by NT-GNN and BOTAN, with optional pruning.

Each core step updates every edge from its end nodes, then every node from the sum of the
edges it receives.  After K steps a node's state depends only on nodes within K hops, so the
prediction for a few *target* nodes needs, at step t (1-based), only the nodes within K - t
hops of a target and the edges into them.  Given ``hops`` (N,), each node's hop distance to
the nearest target, :meth:`EncodeProcessDecode.core` restricts every step to those nodes and
edges; the targets' results are identical (shell ablation uses this: a marked particle in a
4096-particle KA3D snapshot needs about a third of the full work).
"""

from __future__ import annotations

import torch
from torch import nn
from torch_geometric.utils import scatter


def mlp(sizes: list[int], activate_final: bool) -> nn.Sequential:
    """Linear layers with ReLU between them (and after the last one when ``activate_final``)."""
    layers: list[nn.Module] = []
    for k in range(len(sizes) - 1):
        layers.append(nn.Linear(sizes[k], sizes[k + 1]))
        if k < len(sizes) - 2 or activate_final:
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)


class EncodeProcessDecode(nn.Module):
    """Base class: encoders, core MLPs and decoder of the given widths; subclasses set
    ``EDGE_IN`` and ``NODE_IN`` (core input widths in units of ``hidden``) and define
    ``_constants``, ``_edge`` and ``_node``."""

    EDGE_IN: int
    NODE_IN: int

    def __init__(self, dim: int = 3, hidden: int = 64, steps: int = 7):
        super().__init__()
        self.dim, self.hidden, self.steps = dim, hidden, steps
        self.node_encoder = mlp([1, hidden, hidden], True)
        self.edge_encoder = mlp([dim, hidden, hidden], True)
        self.edge_core = mlp([self.EDGE_IN * hidden, hidden, hidden], True)
        self.node_core = mlp([self.NODE_IN * hidden, hidden, hidden], True)
        self.decoder = mlp([hidden, hidden, hidden, 1], False)

    def config(self) -> dict:
        return {"dim": self.dim, "hidden": self.hidden, "steps": self.steps}

    def _constants(self, h0, e0) -> dict:
        """Per-call constants: at least ``w_e`` (the first edge layer's block acting on e) and
        ``base`` (E, hidden) = W_0 e0 + b, the part of the first edge layer that never changes."""
        raise NotImplementedError

    def _node_products(self, c: dict, h):
        """(P_r, P_s), both (N, hidden): the first edge layer's blocks acting on the receiver's
        and the sender's node state, computed on nodes and gathered onto edges."""
        raise NotImplementedError

    def _node(self, c: dict, h, agg, nidx):
        """New states of the nodes ``nidx`` (None = all)."""
        raise NotImplementedError

    def _edge(self, c: dict, h, e, senders, receivers, eidx, work=None):
        """New states of the edges ``eidx`` (None = all):

            e' = ReLU(W2 ReLU(W_e e + base + P_r[receiver] + P_s[sender]) + b2)

        With autograd this is plain tensor algebra.  Without it (inference) every (E, hidden)
        intermediate goes into the two buffers of ``work``: allocating fresh 40 MB tensors
        costs more than the arithmetic on them (first-touch page faults: an index_select into a
        new tensor takes 10 ms at E = 170k, into an existing one 0.8 ms), and the sums and ReLUs
        run in place.  Same numbers either way.  The result lives in ``work["tmp"]``.
        """
        p_r, p_s = self._node_products(c, h)
        ridx, sidx = take(receivers, eidx), take(senders, eidx)
        second = self.edge_core[2]
        if work is None:
            pre = torch.mm(take(e, eidx), c["w_e"].t()) + take(c["base"], eidx)
            pre = pre + p_r.index_select(0, ridx) + p_s.index_select(0, sidx)
            return self.edge_core[1:](pre)
        m = len(ridx)
        pre, tmp = work["pre"][:m], work["tmp"][:m]
        torch.addmm(take(c["base"], eidx), take(e, eidx), c["w_e"].t(), out=pre)
        torch.index_select(p_r, 0, ridx, out=tmp)
        pre += tmp
        torch.index_select(p_s, 0, sidx, out=tmp)
        pre += tmp
        pre.relu_()
        torch.addmm(second.bias, pre, second.weight.t(), out=tmp)
        return tmp.relu_()

    def _encode_edges(self, vectors, work):
        """e0 = MLP_e(vectors); at inference written into ``work["tmp"]``."""
        if work is None:
            return self.edge_encoder(vectors)
        first, second = self.edge_encoder[0], self.edge_encoder[2]
        pre, tmp = work["pre"], work["tmp"]
        torch.addmm(first.bias, vectors, first.weight.t(), out=pre).relu_()
        return torch.addmm(second.bias, pre, second.weight.t(), out=tmp).relu_()

    def core(self, species, vectors, senders, receivers, hops=None):
        """(N, hidden) node and (E, hidden) edge states after the core steps.

        ``hops`` (N,) int: hop distance of each node to the nearest target; with it, only the
        targets' (hops == 0) node states, and the states of edges into them, are final.
        Without autograd the returned edge states live in a buffer of this call.
        """
        work = None
        if not torch.is_grad_enabled():
            shape = (vectors.shape[0], self.hidden)
            work = {"pre": vectors.new_empty(shape), "tmp": vectors.new_empty(shape)}
        h0 = self.node_encoder(species.to(vectors.dtype).unsqueeze(1))
        e0 = self._encode_edges(vectors, work)
        c = self._constants(h0, e0)
        c["h0"] = h0
        # pruned steps update only some edges and keep the others' old states, so e0 must not
        # stay in the buffer the updates are written to
        h, e = h0, (e0 if hops is None or work is None else e0.clone())
        n = h0.shape[0]
        for t in range(self.steps):
            if hops is None:
                e = self._edge(c, h, e, senders, receivers, None, work)
                agg = scatter(e, receivers, dim=0, dim_size=n, reduce="sum")
                h = self._node(c, h, agg, None)
                continue
            limit = self.steps - 1 - t
            nidx = torch.nonzero(hops <= limit).squeeze(1)
            eidx = torch.nonzero(hops.index_select(0, receivers) <= limit).squeeze(1)
            e_new = self._edge(c, h, e, senders, receivers, eidx, work)
            e = e.index_copy(0, eidx, e_new)
            agg = scatter(e_new, receivers.index_select(0, eidx), dim=0, dim_size=n, reduce="sum")
            h = h.index_copy(0, nidx, self._node(c, h, agg, nidx))
        return h, e


def take(x, idx):
    return x if idx is None else x.index_select(0, idx)
