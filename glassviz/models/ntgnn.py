"""Node-targeting graph network (NT-GNN) of Bapst et al., Nat. Phys. 16, 448 (2020).

Encode-process-decode on the periodic radius graph (cutoff 2.0, self-edges included):

    h0 = MLP_n(x_i)              x_i = species as float (0 = A, 1 = B)        1 -> 64 -> 64
    e0 = MLP_e(r_r - r_s)        edge vector                                   3 -> 64 -> 64
    repeat 7 times, from (h, e) = (h0, e0), with shared weights:
        e' = MLP_E([e, e0 | hc_r | hc_s]),  hc = [h, h0]                      384 -> 64 -> 64
        h' = MLP_N([sum_{edges into i} e' | hc_i])                             192 -> 64 -> 64
    p_i = MLP_D(h_i)                                                          64 -> 64 -> 64 -> 1

ReLU after every layer of the encoder and core MLPs, between the decoder's layers, none on
its output (the DeepMind Sonnet/graph_nets graph, ``../shared/data/PROVENANCE.md``).

Speed: the first layer of MLP_E is applied in pieces, W [e, e0, h_r, h_s] =
W_e e + W_0 e0 + (W_r h)[r] + (W_s h)[s] (node-sized products are gathered, not edge-sized
ones computed, and W_0 e0 is the same at every step), which gives the same numbers as the
concatenated layer up to float32 rounding.

Shapes:
    species (N,) int, vectors (E, d) float32, senders/receivers (E,) int64 -> (N,) float32
"""

from __future__ import annotations

import torch

from glassviz.models.core import EncodeProcessDecode, take


class NTGNN(EncodeProcessDecode):
    """NT-GNN; ``forward(species, vectors, senders, receivers)`` -> per-node prediction."""

    arch = "ntgnn"

    EDGE_IN, NODE_IN = 6, 3

    def _constants(self, h0, e0) -> dict:
        hd = self.hidden
        first = self.edge_core[0]
        w = first.weight  # (64, 384): columns [e | e0 | h_r | h0_r | h_s | h0_s]
        return {"w_e": w[:, :hd], "w_r": w[:, 2 * hd:3 * hd], "w_s": w[:, 4 * hd:5 * hd],
                # the same at every step: W_0 e0 + b and the encoded halves of the node products
                "base": torch.addmm(first.bias, e0, w[:, hd:2 * hd].t()),
                "r0": h0 @ w[:, 3 * hd:4 * hd].t(), "s0": h0 @ w[:, 5 * hd:].t()}

    def _node_products(self, c, h):
        return torch.addmm(c["r0"], h, c["w_r"].t()), torch.addmm(c["s0"], h, c["w_s"].t())

    def _node(self, c, h, agg, nidx):
        return self.node_core(torch.cat([take(agg, nidx), take(h, nidx), take(c["h0"], nidx)], dim=1))

    def node_embeddings(self, species, vectors, senders, receivers, hops=None) -> torch.Tensor:
        """(N, hidden) node states after the core (what the decoder reads)."""
        return self.core(species, vectors, senders, receivers, hops)[0]

    def forward(self, species, vectors, senders, receivers, hops=None) -> torch.Tensor:
        return self.decoder(self.node_embeddings(species, vectors, senders, receivers, hops)).squeeze(1)

    def forward_literal(self, species, vectors, senders, receivers) -> torch.Tensor:
        """The same network with the concatenations written out (reference for tests)."""
        x = species.to(vectors.dtype).unsqueeze(1)
        h0, e0 = self.node_encoder(x), self.edge_encoder(vectors)
        h, e = h0, e0
        for _ in range(self.steps):
            hc = torch.cat([h, h0], 1)
            e = self.edge_core(torch.cat([e, e0, hc[receivers], hc[senders]], 1))
            agg = torch.zeros(h.shape[0], self.hidden, dtype=e.dtype).index_add_(0, receivers, e)
            h = self.node_core(torch.cat([agg, hc], 1))
        return self.decoder(h).squeeze(1)
