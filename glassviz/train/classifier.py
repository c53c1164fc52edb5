"""Training the structure classifiers: the liquid/glass CNN and the temperature attention GNN.

Classes come from the files' temperatures (``meta["temperature"]``): for the CNN with two
temperatures the labels are ``liquid`` (higher T) and ``glass`` (lower T); otherwise each
temperature is its own class, labelled by its value as text ("0.5", "0.64", ...).

Splits are by configuration: files that share a configuration (a liquid and the glass quenched
from it carry the same ``meta["config"]`` in one dataset directory) always land in the same
split, and each directory's configurations are split train/validation/test reproducibly from
the seed (so every class is represented in every split).  Cross-entropy, Adam (default
learning rate 1e-3), mini-batches.  A fully convolutional ('gap') CNN sees each grid under a
random periodic translation and a random element of the square/cubic symmetry group (its input
is a periodic box, and its output cannot depend on where the box starts); Oyama's fixed-grid
('fc') CNN sees the grids as simulated: its fully connected layer would have to learn every
translation position by position (measured: with random translations it stayed at chance,
without them it separates the KA2D classes within a few epochs).  The attention model reads
distances only, so it needs no augmentation.  Early stopping on the
validation accuracy (ties broken by the validation loss), resumable (:mod:`glassviz.train.loop`).
"""

from __future__ import annotations

import itertools
import os
from dataclasses import dataclass

import numpy as np

from glassviz.errors import GlassvizError, InputError
from glassviz.train.loop import EpochLoop


@dataclass
class Item:
    """One labelled configuration: ``data`` (grid (S, n...) for the CNN; (species, graph) for the
    attention model), ``label`` (class index), ``source`` (path)."""

    data: object
    label: int
    source: str


def class_labels(temperatures, arch: str) -> tuple[list[str], dict]:
    """(labels ordered by decreasing temperature, temperature -> class index)."""
    temps = sorted(set(float(t) for t in temperatures), reverse=True)
    if len(temps) < 2:
        raise GlassvizError(f"the data hold one temperature ({temps[0] if temps else 'none'}); a classifier needs two or more")
    labels = ["liquid", "glass"] if arch == "cnn" and len(temps) == 2 else [f"{t:g}" for t in temps]
    return labels, {t: k for k, t in enumerate(temps)}


def split_by_configuration(snapshots_meta: list[tuple[str, dict]], val_frac=0.1, test_frac=0.1, seed=0) -> dict:
    """{"train"|"val"|"test": [paths]}; files of one configuration stay together."""
    groups: dict = {}
    for path, meta in snapshots_meta:
        key = (os.path.dirname(os.path.abspath(path)), meta.get("config", os.path.basename(path)))
        groups.setdefault(key[0], {}).setdefault(key[1], []).append(path)
    out = {"train": [], "val": [], "test": []}
    for directory in sorted(groups):
        configs = sorted(groups[directory], key=str)
        rng = np.random.default_rng([seed, len(configs)])
        order = rng.permutation(len(configs))
        n_test = int(round(test_frac * len(configs)))
        n_val = max(1, int(round(val_frac * len(configs))))
        for rank, k in enumerate(order):
            part = "test" if rank < n_test else "val" if rank < n_test + n_val else "train"
            out[part] += groups[directory][configs[k]]
    for part in out:
        out[part].sort()
    if not out["train"] or not out["val"]:
        raise GlassvizError("too few configurations for a train/validation split")
    return out


def symmetry_ops(dim: int) -> list[tuple[tuple, tuple]]:
    """The square (8) / cubic (48) group as (axis permutation, axes to flip) of a grid."""
    ops = []
    for perm in itertools.permutations(range(dim)):
        for flips in itertools.product((False, True), repeat=dim):
            ops.append((perm, tuple(a for a in range(dim) if flips[a])))
    return ops


@dataclass
class ClassifierSettings:
    arch: str
    classes: list
    epochs: int = 60
    patience: int = 12
    lr: float = 1e-3
    batch: int = 8
    seed: int = 0
    augment: bool = True


class ClassifierTrainer(EpochLoop):
    score_key = "score"

    def __init__(self, model, settings: ClassifierSettings, train: list[Item], val: list[Item], workdir: str,
                 progress=None):
        super().__init__(model, workdir, settings.epochs, settings.patience, settings.lr, settings.seed, progress)
        self.s = settings
        self.train, self.val = train, val
        self.ops = symmetry_ops(model.dim)
        grid = train[0].data if settings.arch == "cnn" else None
        # permuting axes of a non-cubic grid would change its shape: only flips then
        self.cubic = grid is not None and len(set(grid.shape[1:])) == 1

    # -- batches -------------------------------------------------------------------------------
    def _cnn_batch(self, items, rng=None):
        torch = self.torch
        grids = []
        for it in items:
            g = torch.from_numpy(it.data)
            if rng is not None and self.s.augment and self.model.head == "gap":
                perm, flips = self.ops[rng.integers(len(self.ops))]
                if self.cubic:
                    g = g.permute(0, *[p + 1 for p in perm])
                if flips:
                    g = g.flip([a + 1 for a in flips])
                shifts = [int(rng.integers(n)) for n in g.shape[1:]]
                g = torch.roll(g, shifts, dims=tuple(range(1, g.dim())))
            grids.append(g)
        return (torch.stack(grids),)

    def _graph_batch(self, items):
        torch = self.torch
        species, vectors, senders, receivers, batch = [], [], [], [], []
        offset = 0
        for k, it in enumerate(items):
            sp, g = it.data
            species.append(torch.from_numpy(sp))
            vectors.append(torch.from_numpy(g.vectors))
            senders.append(torch.from_numpy(g.senders + offset))
            receivers.append(torch.from_numpy(g.receivers + offset))
            batch.append(torch.full((g.n,), k, dtype=torch.long))
            offset += g.n
        return tuple(torch.cat(x) for x in (species, vectors, senders, receivers, batch))

    def _forward(self, items, rng=None):
        inputs = self._cnn_batch(items, rng) if self.s.arch == "cnn" else self._graph_batch(items)
        return self.model(*inputs)

    # -- EpochLoop -----------------------------------------------------------------------------
    def train_epoch(self, rng) -> float:
        torch = self.torch
        order = rng.permutation(len(self.train))
        losses = []
        for start in range(0, len(order), self.s.batch):
            items = [self.train[k] for k in order[start:start + self.s.batch]]
            labels = torch.tensor([it.label for it in items])
            self.opt.zero_grad()
            loss = torch.nn.functional.cross_entropy(self._forward(items, rng), labels)
            loss.backward()
            self.opt.step()
            losses.append(loss.item() * len(items))
        return float(np.sum(losses) / len(order))

    def evaluate(self, items) -> dict:
        """Accuracy overall and per class, mean cross-entropy; ``score`` = accuracy - 1e-3 loss."""
        torch = self.torch
        self.model.eval()
        preds, losses = [], []
        with torch.inference_mode():
            for start in range(0, len(items), self.s.batch):
                chunk = items[start:start + self.s.batch]
                scores = self._forward(chunk)
                labels = torch.tensor([it.label for it in chunk])
                losses.append(torch.nn.functional.cross_entropy(scores, labels, reduction="sum").item())
                preds += scores.argmax(1).tolist()
        truth = np.array([it.label for it in items])
        preds = np.array(preds)
        per = {lab: float(np.mean(preds[truth == k] == k)) for k, lab in enumerate(self.s.classes) if np.any(truth == k)}
        acc = float(np.mean(preds == truth))
        loss = float(np.sum(losses) / len(items))
        return {"accuracy": acc, "per_class": per, "loss": loss, "n": len(items), "score": acc - 1e-3 * loss}

    def describe(self, val: dict) -> str:
        return f"validation accuracy {val['accuracy']:.4f}, loss {val['loss']:.4g}"


def load_items(paths, arch: str, temperature_to_class: dict, grid_shape=None, spacing=None, width=None,
               n_species: int = 2, cutoff: float | None = None) -> list[Item]:
    """Items for ``arch`` from data files (each must carry its temperature)."""
    import glassviz
    from glassviz.models.cnn import SPACING, WIDTH, density_grid
    from glassviz.models.graphs import radius_graph

    items = []
    for path in paths:
        snap = glassviz.load(path)
        t = snap.temperature
        if t is None or float(t) not in temperature_to_class:
            raise InputError(path, f"has temperature {t}, which is not one of the classes")
        if arch == "cnn":
            data = density_grid(snap, n_species, spacing or SPACING, width or WIDTH, grid_shape)
        else:
            data = (snap.species.astype(np.int64), radius_graph(snap, cutoff, self_edges=False))
        items.append(Item(data, temperature_to_class[float(t)], os.fspath(path)))
    return items
