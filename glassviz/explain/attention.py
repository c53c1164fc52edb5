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

    def compute(self, snapshot) -> Attention:
        """Attention of one snapshot; sets ``graph``, ``coefficients``, ``values``,
        ``probabilities``, ``label``."""
        self.__dict__.update(self._explain([snapshot])[0])
        return self

    def compute_many(self, snapshots) -> list[Attention]:
        """Attention of each snapshot from one forward pass over their disjoint graphs (batched
        read-out): a list of Attention objects with the attributes of :meth:`compute`.  The
        same numbers as one call per snapshot, since every coefficient is normalised over the
        edges into one receiver and no edge joins two snapshots."""
        import copy

        out = []
        for attrs in self._explain(list(snapshots)):
            res = copy.copy(self)
            res.__dict__.update(attrs)
            out.append(res)
        return out

    def _explain(self, snapshots) -> list[dict]:
        import torch

        from glassviz.models.classify import graph_inputs

        graphs, parts = [], []
        for snap in snapshots:
            g, inputs = graph_inputs(self.model, self.card, snap)
            graphs.append(g)
            parts.append(inputs)
        offsets = np.cumsum([0] + [g.n for g in graphs])
        species, vectors = (torch.cat([p[k] for p in parts]) for k in (0, 1))
        senders, receivers = (torch.cat([p[k] + int(o) for p, o in zip(parts, offsets)]) for k in (2, 3))
        batch = torch.repeat_interleave(torch.arange(len(graphs), device=species.device),
                                        torch.as_tensor([g.n for g in graphs], device=species.device))
        with torch.inference_mode():
            scores, alphas = self.model.eval()(species, vectors, senders, receivers, batch=batch, attention=True)
        coefficients = np.stack([a.float().cpu().numpy() for a in alphas])   # (L, E_total, H)
        probabilities = torch.softmax(scores.float(), 1).cpu().numpy().astype(np.float64)
        edge_offsets = np.cumsum([0] + [len(g.senders) for g in graphs])
        results = []
        for b, g in enumerate(graphs):
            coef = coefficients[:, edge_offsets[b]:edge_offsets[b + 1]]
            per_edge = coef.mean(axis=(0, 2))
            results.append({"graph": g, "coefficients": coef, "probabilities": probabilities[b],
                            "values": np.bincount(g.senders, weights=per_edge, minlength=g.n),
                            "label": list(self.card["classes"])[int(np.argmax(probabilities[b]))]})
        return results
