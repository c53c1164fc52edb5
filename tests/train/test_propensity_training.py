"""Training the propensity networks: edge targets, splits, learning, resuming, the CLI."""

import dataclasses
import glob
import json
import os

import numpy as np
import pytest
import torch

from glassviz.errors import GlassvizError
from glassviz.models.botan import BOTAN
from glassviz.models.graphs import aa_short_edges, pair_values_on_edges, radius_graph
from glassviz.models.ntgnn import NTGNN
from glassviz.train.propensity import Sample, Trainer, TrainSettings, split_files
from tests.conftest import ASSETS, run_cli
from tests.helpers import make_snapshot

ISO = os.path.join(ASSETS, "datasets", "ka3d_iso_T0.64")


def _ka3d(rng, n=120):
    L = (n / 1.2) ** (1 / 3)
    return make_snapshot(rng.uniform(0, L, (n, 3)), np.eye(3) * L, species=(np.arange(n) >= 0.8 * n).astype(int))


def _structural_sample(rng, arch):
    """A configuration whose 'propensity' is a function of structure alone: the number of B
    neighbours within the graph's cutoff, over 4 (what a graph network must be able to learn
    quickly: one message from each neighbour).  BOTAN's edge target: the mean of the two ends'."""
    snap = _ka3d(rng)
    g = radius_graph(snap, 2.0, self_edges=(arch == "ntgnn"))
    from_b = (snap.species[g.senders] == 1) & (g.senders != g.receivers)
    target = np.bincount(g.receivers, weights=from_b, minlength=snap.n).astype(np.float32) / 4
    ends = ((target[g.senders] + target[g.receivers]) / 2).astype(np.float32)
    return Sample(snap.species.astype(np.int64), g, target, ends if arch == "botan" else None, "synthetic")


def test_pair_values_land_on_both_directed_edges(rng):
    snap = _ka3d(rng)
    g = radius_graph(snap, 2.0, self_edges=True)
    pairs = np.unique(np.sort(np.stack([g.senders, g.receivers], 1), axis=1), axis=0)
    pairs = pairs[pairs[:, 0] != pairs[:, 1]]
    values = rng.normal(size=len(pairs))
    on_edges = pair_values_on_edges(g, pairs, values)
    lookup = {(int(i), int(j)): v for (i, j), v in zip(pairs, values)}
    for s, r, v in zip(g.senders, g.receivers, on_edges):
        assert v == (0 if s == r else np.float32(lookup[(min(s, r), max(s, r))]))
    with pytest.raises(GlassvizError, match="no stored pair-distance change"):
        pair_values_on_edges(g, pairs[1:], values[1:])
    # a pair within float32 rounding of the cutoff that the file left out: no target (NaN)
    r_pair = np.linalg.norm(g.vectors, axis=1)
    longest = int(np.argmax(r_pair))
    g_at = dataclasses.replace(g, cutoff=float(r_pair[longest]) + 5e-5)
    key = (min(g.senders[longest], g.receivers[longest]), max(g.senders[longest], g.receivers[longest]))
    drop = np.array([tuple(p) != key for p in pairs])
    at = pair_values_on_edges(g_at, pairs[drop], values[drop])
    lost = np.isnan(at)
    assert lost.sum() == 2 and np.allclose(r_pair[lost], r_pair[longest])
    assert np.array_equal(at[~lost], on_edges[~lost])
    # one directed edge per A-A pair closer than 1.35
    mask = aa_short_edges(g, snap.species)
    chosen = {(int(a), int(b)) for a, b in zip(g.senders[mask], g.receivers[mask])}
    d = snap.positions[:, None] - snap.positions[None]
    d -= np.round(d / snap.h[0, 0]) * snap.h[0, 0]
    r = np.linalg.norm(d, axis=2)
    a = snap.species == 0
    expect = {(i, j) for i in range(snap.n) for j in range(i + 1, snap.n) if a[i] and a[j] and r[i, j] < 1.35}
    assert chosen == expect and len(expect) > 20


def test_split_is_reproducible_and_disjoint():
    files = [f"f{k:03d}.npz" for k in range(100)]
    a, b = split_files(files, seed=0), split_files(list(reversed(files)), seed=0)
    assert a == b and (len(a["train"]), len(a["val"]), len(a["test"])) == (80, 10, 10)
    assert not set(a["train"]) & set(a["val"]) and not set(a["test"]) & (set(a["train"]) | set(a["val"]))
    assert split_files(files, seed=1)["test"] != a["test"]


@pytest.mark.parametrize("arch", ["ntgnn", "botan"])
def test_training_learns_a_structural_target(rng, tmp_path, arch):
    torch.manual_seed(0)
    train = [_structural_sample(rng, arch) for _ in range(4)]
    val = [_structural_sample(rng, arch) for _ in range(2)]
    model = NTGNN() if arch == "ntgnn" else BOTAN()
    trainer = Trainer(model, TrainSettings(arch=arch, time=None, epochs=40, patience=40, lr=3e-3,
                                           init_output_bias=True), train, val, str(tmp_path), progress=lambda *_: None)
    before = trainer.evaluate(val)["pearson"]
    result = trainer.fit()
    assert result["val_pearson"] > 0.9 > before + 0.2
    if arch == "botan":
        assert trainer.evaluate(val)["edge_pearson"] > 0.9
    losses = [e["loss"] for e in result["log"]]
    assert losses[-1] < 0.5 * losses[0]


def test_resume_continues_exactly(rng, tmp_path):
    train = [_structural_sample(rng, "ntgnn") for _ in range(2)]
    val = [_structural_sample(rng, "ntgnn")]
    settings = TrainSettings(arch="ntgnn", time=None, epochs=3, patience=10, lr=1e-3)

    def fresh():
        torch.manual_seed(1)
        return NTGNN()

    straight = Trainer(fresh(), settings, train, val, str(tmp_path / "a"), progress=lambda *_: None)
    straight.fit()
    first = Trainer(fresh(), TrainSettings(**{**settings.__dict__, "epochs": 1}), train, val, str(tmp_path / "b"),
                    progress=lambda *_: None)
    first.fit()
    resumed = Trainer(fresh(), settings, train, val, str(tmp_path / "b"), progress=lambda *_: None)
    resumed.fit()
    assert resumed.epoch == 3 and len(resumed.log) == 3
    for k, v in straight.model.state_dict().items():
        assert torch.equal(v, resumed.model.state_dict()[k]), k


def test_cli_train_evaluate_record(glassviz_home, tmp_path):
    files = sorted(glob.glob(os.path.join(ISO, "config_*.npz")))[:5]
    if len(files) < 5:
        pytest.skip("dataset not present")
    code, _, err = run_cli("train", "botan", *files, "--time", "8", "-o", "tiny", "--epochs", "1",
                           "--val-frac", "0.2", "--test-frac", "0.2", "--plot", tmp_path / "curves.svg")
    assert code == 0, err
    svg = (tmp_path / "curves.svg").read_text()
    assert "training loss" in svg and "validation edge Pearson" in svg and "kept: epoch 1" in svg
    card = json.load(open(os.path.join(glassviz_home, "models", "tiny.json")))
    split = card["training"]["files"]
    assert len(split["train"]) == 3 and len(split["val"]) == 1 and len(split["test"]) == 1
    assert card["time"] == 8 and card["system"] == "KA3D" and "edge_pearson" in card["metrics"]["test"]
    code, out, err = run_cli("evaluate", "--model", "tiny", split["test"][0], "--json", "--record", "again",
                             "--plot", tmp_path / "eval.pdf")
    assert code == 0, err
    res = json.loads(out)
    from pypdf import PdfReader

    text = " ".join(page.extract_text() for page in PdfReader(tmp_path / "eval.pdf").pages)
    assert f"Pearson {res['mean']:.3f} (type A)" in text and "tiny" in text
    assert f"{res['files'][0]['n_a']} type-A particles" in text
    card = json.load(open(os.path.join(glassviz_home, "models", "tiny.json")))
    assert card["metrics"]["again"]["mean"] == res["mean"]
    # the recorded test score is the one the trainer measured on the same file
    assert abs(res["mean"] - card["metrics"]["test"]["pearson"]) < 1e-5
    assert abs(res["edge_mean"] - card["metrics"]["test"]["edge_pearson"]) < 1e-5
