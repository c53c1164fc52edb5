"""Self-attention graph classifier of the temperature of a configuration (after Yoshikawa, Kim,
Matubayasi et al., J. Chem. Phys. (2025), doi 10.1063/5.0277279).

Graph: the shared periodic radius graph (:mod:`glassviz.models.graphs`), cutoff 1.5 sigma_AA
(the first neighbour shell of KA: the first minimum of g_AA(r) is near 1.45), no self-edges;
message j -> i runs along the edge with sender j, receiver i.

    x_i^0  = one-hot species                                            (N, S)
    e_ij   = Gaussian expansion of r_ij: exp(-(r_ij - mu_k)^2 / (2 s^2)), 16 centres mu_k on
             [0, cutoff], s = cutoff / 16                                (E, 16)
    3 x    x^{l+1} = ELU(TransformerConv(x^l, e; 4 heads x 16 channels, concatenated))  (N, 64)
           per head h: x_i' = W_r x_i + sum_j alpha^l_{ij,h} (W_v x_j + W_e e_ij),
           alpha^l_{ij,h} = softmax over the edges into i of
           (W_q x_i) . (W_k x_j + W_e e_ij) / sqrt(16)   (sum_j alpha^l_{ij,h} = 1 for every i, h)

Multi-head dot-product self-attention over neighbours (Shi et al. 2021; PyG ``TransformerConv``)
rather than GATv2: in GATv2 the edge features enter only the attention logits, so with species
as the only node input every layer's output is a convex mix of two species embeddings, and the
network stayed at chance level on the temperature classes; here the values carry the
distances too.
    g      = mean over particles of x^3                                 (64,)
    scores = Linear(64, 64) -> ELU -> Linear(64, C)                     (C,) pre-softmax

Shapes:
    species (N,) int, vectors (E, d) float32, senders/receivers (E,) int64, batch (N,) int64
    -> scores (B, C); with ``attention=True`` also a list of 3 (E, heads) coefficient tensors.
"""

from __future__ import annotations

import torch
from torch import nn
from torch_geometric.nn import TransformerConv
from torch_geometric.utils import scatter

CUTOFF = 1.5


class AttentionClassifier(nn.Module):
    arch = "attention"

    def __init__(self, dim: int = 3, n_species: int = 2, n_classes: int = 4, hidden: int = 16, heads: int = 4,
                 layers: int = 3, n_rbf: int = 16, cutoff: float = CUTOFF):
        super().__init__()
        self.dim, self.n_species, self.n_classes = dim, n_species, n_classes
        self.hidden, self.heads, self.n_layers, self.n_rbf, self.cutoff = hidden, heads, layers, n_rbf, cutoff
        self.register_buffer("centres", torch.linspace(0, cutoff, n_rbf), persistent=False)
        width = hidden * heads
        self.convs = nn.ModuleList(
            TransformerConv(n_species if k == 0 else width, hidden, heads=heads, concat=True, edge_dim=n_rbf)
            for k in range(layers))
        self.head = nn.Sequential(nn.Linear(width, 64), nn.ELU(), nn.Linear(64, n_classes))

    def config(self) -> dict:
        return {"dim": self.dim, "n_species": self.n_species, "n_classes": self.n_classes, "hidden": self.hidden,
                "heads": self.heads, "layers": self.n_layers, "n_rbf": self.n_rbf, "cutoff": self.cutoff}

    def forward(self, species, vectors, senders, receivers, batch=None, attention: bool = False):
        r = torch.linalg.vector_norm(vectors, dim=1, keepdim=True)
        s = self.cutoff / self.n_rbf
        e = torch.exp(-((r - self.centres) ** 2) / (2 * s * s))
        x = nn.functional.one_hot(species.long(), self.n_species).to(vectors.dtype)
        edge_index = torch.stack([senders, receivers])
        alphas = []
        for conv in self.convs:
            if attention:
                x, (_, alpha) = conv(x, edge_index, e, return_attention_weights=True)
                alphas.append(alpha)
            else:
                x = conv(x, edge_index, e)
            x = nn.functional.elu(x)
        if batch is None:
            batch = torch.zeros(x.shape[0], dtype=torch.long, device=x.device)
        g = scatter(x, batch, dim=0, reduce="mean")
        scores = self.head(g)
        return (scores, alphas) if attention else scores
