"""Training the propensity networks (NT-GNN, BOTAN) on isoconfigurational data.

Protocol (Bapst et al. 2020; Shiba et al. 2023): Adam, learning rate 1e-4, gradient norm
clipped at 1, one configuration per step, a random element of the cubic group (the 48
rotations/reflections that map the periodic box onto itself) applied to the edge vectors of
every training graph.  Losses: NT-GNN, MSE of the propensity on type-A particles; BOTAN,
p MSE(nodes) + (1 - p) MSE(edges) over all particles and pairs (p = 0.4 in the paper; p = 0
pre-trains on edges).  The validation split (never the test split) picks the best epoch by
the mean per-configuration Pearson correlation on type-A particles and stops training after
``patience`` epochs without improvement.  Every epoch ends with a checkpoint, so an
interrupted run resumes where it stopped.

Configurations are split into train/validation/test by file, reproducibly from the seed.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import numpy as np

from glassviz.errors import GlassvizError
from glassviz.models.graphs import RadiusGraph, cubic_group, pair_values_on_edges, radius_graph
from glassviz.train.loop import EpochLoop


@dataclass
class Sample:
    """One training configuration: ``species`` (N,), ``graph``, ``node_target`` (N,),
    ``edge_target`` (E,) aligned with the graph's edges (None when not used), ``source``."""

    species: np.ndarray
    graph: RadiusGraph
    node_target: np.ndarray
    edge_target: np.ndarray | None
    source: str


def load_samples(paths, time: float | None, arch: str, cutoff: float = 2.0, with_edges: bool = False) -> list[Sample]:
    """Samples from data files holding isoconfigurational ensembles at ``time``."""
    import glassviz
    from glassviz.dynamics import pair_distance_change, propensity

    out = []
    for path in paths:
        snap = glassviz.load(path)
        target = propensity(snap, time).astype(np.float32)
        graph = radius_graph(snap, cutoff, self_edges=(arch == "ntgnn"))
        et = None
        if with_edges:
            pairs, change = pair_distance_change(snap, time, cutoff)
            et = pair_values_on_edges(graph, pairs, change)
        out.append(Sample(snap.species.astype(np.int64), graph, target, et, os.fspath(path)))
    return out


def split_files(paths, val_frac: float = 0.1, test_frac: float = 0.1, seed: int = 0) -> dict[str, list[str]]:
    """Reproducible split of files into train / validation / test."""
    paths = sorted(map(os.fspath, paths))
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(paths))
    n_test = int(round(test_frac * len(paths)))
    n_val = max(1, int(round(val_frac * len(paths)))) if len(paths) > 2 else 0
    test = [paths[k] for k in sorted(order[:n_test])]
    val = [paths[k] for k in sorted(order[n_test:n_test + n_val])]
    train = [paths[k] for k in sorted(order[n_test + n_val:])]
    if not train or not val:
        raise GlassvizError(f"need at least 3 configurations to train with a validation split, got {len(paths)}")
    return {"train": train, "val": val, "test": test}


def bootstrap(paths: list[str], seed: int) -> list[str]:
    """A resample with replacement of ``paths`` (same length, sorted), drawn from ``seed``: each
    member of a bagged ensemble trains on its own (Breiman, Mach. Learn. 24, 123 (1996)); about
    1 - 1/e = 63 % of the configurations appear in each, some of them more than once."""
    rng = np.random.default_rng([seed, 0xB007])
    return sorted(paths[k] for k in rng.integers(len(paths), size=len(paths)))


@dataclass
class TrainSettings:
    arch: str
    time: float | None
    epochs: int = 200
    patience: int = 20
    lr: float = 1e-4
    clip: float = 1.0
    p_node: float = 0.4
    seed: int = 0
    augment: bool = True
    init_output_bias: bool = False
    extra: dict = field(default_factory=dict)


class Trainer(EpochLoop):
    """Train ``model`` on ``train`` samples with early stopping on the validation Pearson of
    ``val``; checkpoints in ``workdir`` (:class:`glassviz.train.loop.EpochLoop`)."""

    score_key = "pearson"

    def __init__(self, model, settings: TrainSettings, train: list[Sample], val: list[Sample], workdir: str,
                 progress=None):
        super().__init__(model, workdir, settings.epochs, settings.patience, settings.lr, settings.seed, progress)
        self.s = settings
        self.train, self.val = train, val
        self.group = self.torch.from_numpy(cubic_group(model.dim))

    # -- one step ------------------------------------------------------------------------------
    def _tensors(self, sample: Sample, rotation=None):
        torch = self.torch
        vec = torch.from_numpy(sample.graph.vectors)
        if rotation is not None:
            vec = vec @ rotation.T
        return (torch.from_numpy(sample.species), vec, torch.from_numpy(sample.graph.senders),
                torch.from_numpy(sample.graph.receivers))

    def _loss(self, sample: Sample, out):
        torch = self.torch
        target = torch.from_numpy(sample.node_target)
        if self.s.arch == "ntgnn":
            a = torch.from_numpy(sample.species == 0)
            return torch.mean((out[a] - target[a]) ** 2)
        nodes, edges = out
        loss = self.s.p_node * torch.mean((nodes - target) ** 2)
        if sample.edge_target is not None and self.s.p_node < 1:
            et = torch.from_numpy(sample.edge_target)
            known = torch.isfinite(et)  # edges at the cutoff have no stored target (pair_values_on_edges)
            loss = loss + (1 - self.s.p_node) * torch.mean((edges[known] - et[known]) ** 2)
        return loss

    def evaluate(self, samples: list[Sample]) -> dict:
        """Mean per-configuration Pearson (type A nodes; BOTAN also A-A edges with r < 1.35)."""
        from glassviz.models.inference import edge_pearson, pearson_a

        torch = self.torch
        self.model.eval()
        nodes, edges = [], []
        with torch.inference_mode():
            for s in samples:
                out = self.model(*self._tensors(s))
                pn = (out[0] if isinstance(out, tuple) else out).numpy()
                nodes.append(pearson_a(pn, s.node_target, s.species))
                if isinstance(out, tuple) and s.edge_target is not None:
                    edges.append(edge_pearson(out[1].numpy(), s.graph, s.species, s.edge_target))
        res = {"pearson": float(np.mean(nodes)), "pearson_std": float(np.std(nodes)), "n": len(samples)}
        if edges:
            res["edge_pearson"] = float(np.mean(edges))
        return res

    def constant_prediction(self) -> float:
        """The constant that minimises the training loss: the mean type-A target (NT-GNN), or
        p mean(node targets) + (1 - p) mean(edge targets) (BOTAN's shared decoder)."""
        if self.s.arch == "ntgnn":
            return float(np.mean(np.concatenate([t.node_target[t.species == 0] for t in self.train])))
        nodes = float(np.mean(np.concatenate([t.node_target for t in self.train])))
        if self.s.p_node >= 1 or self.train[0].edge_target is None:
            return nodes
        edges = float(np.nanmean(np.concatenate([t.edge_target for t in self.train])))
        return self.s.p_node * nodes + (1 - self.s.p_node) * edges

    def mean_prediction(self) -> float:
        """The model's current output averaged like :meth:`constant_prediction` averages targets."""
        torch = self.torch
        nodes, nodes_a, edges = [], [], []
        self.model.eval()
        with torch.inference_mode():
            for t in self.train:
                out = self.model(*self._tensors(t))
                n = (out[0] if isinstance(out, tuple) else out).numpy()
                nodes.append(n)
                nodes_a.append(n[t.species == 0])
                if isinstance(out, tuple):
                    edges.append(out[1].numpy())
        if self.s.arch == "ntgnn":
            return float(np.mean(np.concatenate(nodes_a)))
        mean_n = float(np.mean(np.concatenate(nodes)))
        if self.s.p_node >= 1 or self.train[0].edge_target is None:
            return mean_n
        return self.s.p_node * mean_n + (1 - self.s.p_node) * float(np.mean(np.concatenate(edges)))

    def start(self) -> None:
        if self.s.init_output_bias:
            # A fresh network outputs ~0 while propensities are ~0.2-0.5 (and a network
            # pre-trained on another target is off by a similar constant): with Adam at 1e-4 the
            # output bias alone needs thousands of steps to get there, and the structure is learnt
            # only afterwards.  Shifting the output bias so that the mean output equals the best
            # constant removes that plateau and changes nothing else.
            shift = self.constant_prediction() - self.mean_prediction()
            with self.torch.no_grad():
                self.model.decoder[-1].bias.add_(shift)

    def train_epoch(self, rng) -> float:
        torch = self.torch
        losses = []
        for k in rng.permutation(len(self.train)):
            rot = self.group[rng.integers(len(self.group))] if self.s.augment else None
            self.opt.zero_grad()
            loss = self._loss(self.train[k], self.model(*self._tensors(self.train[k], rot)))
            loss.backward()
            torch.nn.utils.clip_grad_norm_(self.model.parameters(), self.s.clip)
            self.opt.step()
            losses.append(loss.item())
        return float(np.mean(losses))

    def describe(self, val: dict) -> str:
        return (f"validation Pearson {val['pearson']:.4f}"
                + (f", edges {val['edge_pearson']:.4f}" if "edge_pearson" in val else ""))

    def fit(self) -> dict:
        result = super().fit(self.val)
        result["val_pearson"] = result["val_score"]
        return result
