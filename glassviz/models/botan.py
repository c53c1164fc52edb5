"""BOTAN, the bond-targeting network of Shiba et al., J. Chem. Phys. 158, 084503 (2023).

As in the public pyg_botan ``model.py`` (hidden 64, 7 shared message-passing steps):

    h0 = MLP_n(x_i)            x_i = species as float                        1 -> 64 -> 64
    e0 = MLP_e(r_d - r_s)      directed edges with |r| < 2.0, no self-edges  3 -> 64 -> 64
    repeat 7 times from (h, e) = (h0, e0):
        e' = MLP_E([h_s, h_d, e, e0])                                        256 -> 64 -> 64
        h' = MLP_N([h, h0, sum_{edges into i} e'])                           192 -> 64 -> 64
    node output  p_i  = MLP_D(h_i);  edge output  Delta_sd = MLP_D(e_sd)    64 -> 64 -> 64 -> 1

ReLU after both layers of every two-layer MLP; the shared decoder has ReLU after its first two
layers only.  Trained on p * MSE(nodes) + (1 - p) * MSE(edges) (p = 0.4 in the paper); the
edge target is the pair-distance change (``glassviz.dynamics.pairs``).

The first edge layer is applied in pieces (W_s h)[s] + (W_d h)[d] + W_e e + W_0 e0, W_0 e0
computed once.

Shapes:
    species (N,) int, vectors (E, d) float32, senders/receivers (E,) int64
    -> nodes (N,) float32, edges (E,) float32
"""

from __future__ import annotations

import torch

from glassviz.models.core import EncodeProcessDecode, take


class BOTAN(EncodeProcessDecode):
    """BOTAN; ``forward(...)`` -> (node prediction (N,), edge prediction (E,))."""

    arch = "botan"

    EDGE_IN, NODE_IN = 4, 3

    def _constants(self, h0, e0) -> dict:
        hd = self.hidden
        first = self.edge_core[0]
        w = first.weight  # (64, 256): columns [h_s | h_d | e | e0]
        return {"w_s": w[:, :hd], "w_d": w[:, hd:2 * hd], "w_e": w[:, 2 * hd:3 * hd],
                "base": torch.addmm(first.bias, e0, w[:, 3 * hd:].t())}

    def _node_products(self, c, h):
        return h @ c["w_d"].t(), h @ c["w_s"].t()

    def _node(self, c, h, agg, nidx):
        return self.node_core(torch.cat([take(h, nidx), take(c["h0"], nidx), take(agg, nidx)], dim=1))

    def embeddings(self, species, vectors, senders, receivers, hops=None):
        """(N, hidden) node and (E, hidden) edge states after the core."""
        return self.core(species, vectors, senders, receivers, hops)

    def forward(self, species, vectors, senders, receivers, hops=None):
        h, e = self.embeddings(species, vectors, senders, receivers, hops)
        return self.decoder(h).squeeze(1), self.decoder(e).squeeze(1)

    def forward_literal(self, species, vectors, senders, receivers):
        """The same network with the concatenations written out (reference for tests)."""
        h0 = self.node_encoder(species.to(vectors.dtype).unsqueeze(1))
        e0 = self.edge_encoder(vectors)
        h, e = h0, e0
        for _ in range(self.steps):
            e = self.edge_core(torch.cat([h[senders], h[receivers], e, e0], 1))
            agg = torch.zeros(h.shape[0], self.hidden, dtype=e.dtype).index_add_(0, receivers, e)
            h = self.node_core(torch.cat([h, h0, agg], 1))
        return self.decoder(h).squeeze(1), self.decoder(e).squeeze(1)
