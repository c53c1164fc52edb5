"""Attention coefficients of the self-attention classifier, per edge and per particle.

Each attention layer l gives every edge j -> i (sender j, receiver i) and head h a coefficient
alpha^l_{ij,h} >= 0 with sum_j alpha^l_{ij,h} = 1 over the edges into i: how much particle i
attends to its neighbour j.  The per-particle field ``attention@MODEL`` is the attention a
particle *receives* from its neighbours,

    a_j = (1 / (L H)) sum_{l,h} sum_{i: j -> i} alpha^l_{ij,h},

the mean over layers and heads of the total weight its neighbours give it.  Because each
particle hands out a total of 1, the mean of a_j over particles is 1 (every particle has
neighbours within the cutoff in a dense liquid): a_j > 1 marks a particle its neighbours attend
to more than an equal share would (Yoshikawa et al.: high attention goes with more disordered
local structure).

Attributes after ``compute``: ``graph``, ``coefficients`` (L, E, H), ``values`` (N,),
``probabilities`` (C,), ``label``.
"""

from __future__ import annotations

import numpy as np

from glassviz.errors import GlassvizError


class Attention:
    def __init__(self, model, card: dict):
        if card.get("arch") != "attention":
            raise GlassvizError(f"attention maps need an attention classifier; model {card.get('name')!r} "
                                f"is {card.get('arch')!r}")
        self.model, self.card = model, card

    def compute(self, snapshot) -> "Attention":
        import torch

        from glassviz.models.classify import graph_inputs

        graph, inputs = graph_inputs(self.model, self.card, snapshot)
        with torch.inference_mode():
            scores, alphas = self.model.eval()(*inputs, attention=True)
        self.graph = graph
        self.coefficients = np.stack([a.float().cpu().numpy() for a in alphas])
        per_edge = self.coefficients.mean(axis=(0, 2))
        self.values = np.bincount(graph.senders, weights=per_edge, minlength=graph.n)
        self.probabilities = torch.softmax(scores[0], 0).cpu().numpy().astype(np.float64)
        self.label = list(self.card["classes"])[int(np.argmax(self.probabilities))]
        return self
