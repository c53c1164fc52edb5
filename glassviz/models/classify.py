"""Running classifiers (CNN, attention) on snapshots: inputs, class probabilities.

``classify`` returns, per snapshot, ``{"file", "class", "probabilities": {label: p}}`` (the
``glassviz classify --json`` format of DESIGN.md).  Snapshots of another system or dimension,
and (fixed-grid CNNs) of another box size, are refused with the reason.
"""

from __future__ import annotations

import numpy as np


def graph_inputs(model, card: dict, snapshot):
    """(graph, tensors) for the attention classifier: species, vectors, senders, receivers."""
    import torch

    from glassviz.models.graphs import radius_graph
    from glassviz.models.store import check_compatible

    check_compatible(card, snapshot)
    g = radius_graph(snapshot, card.get("graph", {}).get("cutoff", model.cutoff), self_edges=False)
    dev = next(model.parameters()).device
    tensors = [torch.from_numpy(a).to(dev) for a in (snapshot.species.astype(np.int64), g.vectors, g.senders,
                                                      g.receivers)]
    return g, tensors


def scores(model, card: dict, snapshot):
    """(C,) pre-softmax class scores of one snapshot."""
    import torch

    model = model.eval()
    with torch.inference_mode():
        if card["arch"] == "cnn":
            from glassviz.models.cnn import snapshot_grid

            grid = torch.from_numpy(snapshot_grid(card, snapshot))[None].to(next(model.parameters()).device)
            return model(grid)[0].float().cpu()
        _, inputs = graph_inputs(model, card, snapshot)
        return model(*inputs)[0].float().cpu()


def classify(model, card: dict, snapshots) -> list[dict]:
    import torch

    out = []
    for snap in snapshots:
        p = torch.softmax(scores(model, card, snap), 0).numpy().astype(float)
        labels = list(card["classes"])
        out.append({"file": snap.source, "class": labels[int(np.argmax(p))],
                    "probabilities": {lab: float(v) for lab, v in zip(labels, p)}})
    return out
