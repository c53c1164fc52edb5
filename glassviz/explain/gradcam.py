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

    def compute(self, snapshot) -> GradCAM:
        """Grad-CAM of one snapshot; sets ``map``, ``values``, ``probabilities``, ``label``."""
        self.__dict__.update(self._explain([self._grid(snapshot)], [snapshot])[0])
        return self

    def compute_many(self, snapshots) -> list[GradCAM]:
        """Grad-CAM of each snapshot, one batched pass per grid shape: a list of GradCAM objects
        with the attributes of :meth:`compute` set.  The same numbers as one call per snapshot
        (in eval mode the samples of a batch are independent, so d y^C_b / d A_b' = 0 for
        b' != b and the gradient of sum_b y^{C_b}_b gives every sample its own eq. (3))."""
        import copy

        snapshots = list(snapshots)
        out: list = [None] * len(snapshots)
        grids = [self._grid(s) for s in snapshots]
        groups: dict = {}
        for k, grid in enumerate(grids):
            groups.setdefault(grid.shape, []).append(k)
        for ks in groups.values():
            for k, attrs in zip(ks, self._explain([grids[k] for k in ks], [snapshots[k] for k in ks]), strict=True):
                out[k] = copy.copy(self)
                out[k].__dict__.update(attrs)
        return out

    def _grid(self, snapshot) -> np.ndarray:
        from glassviz.models.cnn import snapshot_grid

        return snapshot_grid(self.card, snapshot)

    def _explain(self, grids, snapshots) -> list[dict]:
        """The attributes of :meth:`compute` for each snapshot, from its input grid (all of one
        shape), in one pass."""
        import torch

        from glassviz.models.cnn import box_lengths, periodic_interpolate

        grid = torch.from_numpy(np.stack(grids))
        model = self.model.eval()
        with torch.enable_grad():
            features = model.features(grid.to(next(model.parameters()).device))
            scores = model.classify(features)
            probs = torch.softmax(scores, 1)
            if self.target is not None:
                c = torch.full((len(snapshots),), self.classes.index(self.target), dtype=torch.long)
            else:
                c = torch.argmax(scores, 1)
            c = c.to(scores.device)
            (grad,) = torch.autograd.grad(scores.gather(1, c[:, None]).sum(), features)
        spatial = tuple(range(2, features.dim()))
        alpha = grad.mean(dim=spatial)                                                    # eq. (3)
        cams = torch.relu(torch.einsum("bm,bm...->b...", alpha, features.detach()))       # eq. (4)
        results = []
        for b, snap in enumerate(snapshots):
            cam = cams[b].cpu().numpy().astype(np.float64)
            results.append({"map": cam, "probabilities": probs[b].detach().cpu().numpy().astype(np.float64),
                            "label": self.classes[int(c[b])],
                            "values": periodic_interpolate(cam, snap.positions / box_lengths(snap) + 0.5)})
        return results
