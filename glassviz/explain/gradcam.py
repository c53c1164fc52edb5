"""Grad-CAM of a CNN classifier, read back onto the particles (Oyama, Koyama & Kawasaki,
Front. Phys. 10, 1007861 (2023), eqs. (3)-(4); Selvaraju et al., IJCV 128, 336 (2020)).

From the last convolutional layer's activations A^m (feature map m, cells (k, l)) and the
pre-softmax score y^C of class C:

    alpha_m^C = (1 / Z) sum_{k,l} d y^C / d A^m_{k,l}          Z = number of cells       (3)
    L^C       = ReLU( sum_m alpha_m^C A^m )                                               (4)

The map L^C lives on the last conv layer's grid (n/4 cells per axis, the box tiled exactly);
the particle score is Gamma_i = L^C at r_i by periodic multilinear interpolation (the inverse
mapping M^-1).  Coarse-graining and normalisation are the field pipeline's
(:func:`glassviz.fields.compute_fields`, ``--xi``, ``--normalize``), as for every indicator.

Attributes after ``compute``: ``map`` (n_1/4, ..., n_d/4), ``values`` (N,) Gamma_i,
``probabilities`` (C,) softmax of the scores, ``label`` the class explained.
"""

from __future__ import annotations

import numpy as np

from glassviz.errors import GlassvizError


class GradCAM:
    """Grad-CAM of ``model`` (an :class:`~glassviz.models.cnn.OyamaCNN`) with its ``card``.

    ``target``: the class label to explain (default: ``glass`` when the model has that class,
    else the class the model predicts for each snapshot).
    """

    def __init__(self, model, card: dict, target: str | None = None):
        if card.get("arch") != "cnn":
            raise GlassvizError(f"Grad-CAM needs a CNN classifier; model {card.get('name')!r} is {card.get('arch')!r}")
        self.model, self.card = model, card
        self.classes = list(card["classes"])
        if target is not None and target not in self.classes:
            raise GlassvizError(f"model {card.get('name')!r} has no class {target!r} (classes: {', '.join(self.classes)})")
        self.target = target if target is not None else ("glass" if "glass" in self.classes else None)

    def compute(self, snapshot) -> "GradCAM":
        import torch

        from glassviz.models.cnn import box_lengths, periodic_interpolate, snapshot_grid

        grid = torch.from_numpy(snapshot_grid(self.card, snapshot))[None]
        model = self.model.eval()
        with torch.enable_grad():
            features = model.features(grid.to(next(model.parameters()).device))
            scores = model.classify(features)[0]
            probs = torch.softmax(scores, 0)
            c = self.classes.index(self.target) if self.target is not None else int(torch.argmax(scores))
            (grad,) = torch.autograd.grad(scores[c], features)
        spatial = tuple(range(1, features.dim() - 1))
        alpha = grad[0].mean(dim=spatial)                                          # eq. (3)
        cam = torch.relu(torch.tensordot(alpha, features[0].detach(), dims=([0], [0])))  # eq. (4)
        self.map = cam.cpu().numpy().astype(np.float64)
        self.probabilities = probs.detach().cpu().numpy().astype(np.float64)
        self.label = self.classes[c]
        frac = snapshot.positions / box_lengths(snapshot) + 0.5
        self.values = periodic_interpolate(self.map, frac)
        return self
