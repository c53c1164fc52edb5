"""CNN gridding and network, Grad-CAM (Oyama eqs. 3-4), the attention classifier, classifier
training splits and the classify CLI."""

import json
import os

import numpy as np
import pytest
import torch

import glassviz
from glassviz.errors import InputError
from glassviz.explain.attention import Attention
from glassviz.explain.gradcam import GradCAM
from glassviz.models.attention import AttentionClassifier
from glassviz.models.cnn import OyamaCNN, density_grid, grid_shape, periodic_interpolate, snapshot_grid
from glassviz.models.store import load_model, save_model
from glassviz.train.classifier import split_by_configuration, symmetry_ops
from tests.conftest import ASSETS, run_cli
from tests.helpers import make_snapshot


def _ka2d(rng, n=300, L=None):
    L = L or (n / 1.2) ** 0.5
    return make_snapshot(rng.uniform(0, L, (n, 2)), np.eye(2) * L, species=(np.arange(n) >= 0.65 * n).astype(int))


def _cnn_card(name, snap, head="fc"):
    shape = grid_shape(np.diag(snap.h))
    model = OyamaCNN(dim=2, n_species=2, n_classes=2, head=head, grid=shape if head == "fc" else None)
    card = {"name": name, "kind": "classifier", "system": "KA2D", "dim": 2, "classes": ["liquid", "glass"],
            "source": "test", "grid_spacing": 0.5, "grid_width": 0.5}
    save_model(model, card)
    return load_model(name)


def test_grid_normalisation_and_translation(rng):
    snap = _ka2d(rng)
    shape = grid_shape(np.diag(snap.h))
    assert all(n % 4 == 0 for n in shape)
    g = density_grid(snap, 2)
    cell = np.diag(snap.h) / np.array(shape)
    # each particle's Gaussian sums over the cells to 2 pi w^2 / cell area, which the contrast
    # divides by: the channels average to zero; then unit variance per channel
    assert np.abs(g.mean(axis=(1, 2))).max() < 1e-4
    assert np.allclose(g.std(axis=(1, 2)), 1, atol=1e-5)
    # a translation by whole cells rolls the grid exactly (periodic)
    moved = snap.with_positions(snap.positions + cell * np.array([3, -5]))
    assert np.allclose(density_grid(moved, 2), np.roll(g, (3, -5), axis=(1, 2)), atol=1e-5)


def test_periodic_interpolation_is_exact_on_cells_and_linear_between():
    rng = np.random.default_rng(0)
    f = rng.normal(size=(8, 12))
    k = np.array([[3, 11], [0, 0], [7, 5]])
    assert np.allclose(periodic_interpolate(f, k / np.array([8, 12])), f[k[:, 0], k[:, 1]])
    # halfway between the last and the first cell of axis 1 (wraps around)
    mid = periodic_interpolate(f, np.array([[2 / 8, 11.5 / 12]]))
    assert np.isclose(mid[0], 0.5 * (f[2, 11] + f[2, 0]))


def test_cnn_is_translation_equivariant_and_gap_invariant(rng):
    torch.manual_seed(0)
    snap = _ka2d(rng)
    g = torch.from_numpy(density_grid(snap, 2))[None]
    net = OyamaCNN(dim=2, head="gap").eval()
    with torch.no_grad():
        a = net.features(g)
        b = net.features(torch.roll(g, (8, -4), dims=(2, 3)))
        assert torch.allclose(torch.roll(a, (2, -1), dims=(2, 3)), b, atol=1e-5)
        assert torch.allclose(net(g), net(torch.roll(g, (8, -4), dims=(2, 3))), atol=1e-5)


def test_gradcam_follows_equations_3_and_4(rng):
    torch.manual_seed(1)
    snap = _ka2d(rng)
    model, card = _cnn_card("c", snap)
    cam = GradCAM(model, card, target="glass").compute(snap)
    x = torch.from_numpy(snapshot_grid(card, snap))[None]
    A = model.eval().features(x).detach().requires_grad_(True)
    y = model.classify(A)[0, 1]
    y.backward()
    alpha = A.grad[0].mean(dim=(1, 2))                       # (3): 1/Z sum_kl dy/dA
    expect = torch.relu((alpha[:, None, None] * A[0]).sum(0))  # (4)
    assert np.allclose(cam.map, expect.detach().numpy(), atol=1e-6)
    assert cam.values.shape == (snap.n,) and np.all(cam.values >= 0)
    assert np.isclose(cam.probabilities.sum(), 1)
    liquid = GradCAM(model, card, target="liquid").compute(snap)
    assert liquid.label == "liquid" and cam.label == "glass"


def test_fixed_grid_model_refuses_another_box(rng):
    snap = _ka2d(rng)
    model, card = _cnn_card("c", snap)
    bigger = _ka2d(rng, n=600)
    with pytest.raises(InputError, match="takes .* only"):
        snapshot_grid(card, bigger)
    model, card = _cnn_card("g", snap, head="gap")
    assert GradCAM(model, card).compute(bigger).values.shape == (600,)


def test_attention_coefficients_sum_to_one_per_head(rng):
    torch.manual_seed(2)
    L = (400 / 1.2) ** (1 / 3)
    snap = make_snapshot(rng.uniform(0, L, (400, 3)), np.eye(3) * L, species=(np.arange(400) >= 320).astype(int))
    model = AttentionClassifier(dim=3, n_classes=4)
    save_model(model, {"name": "att", "kind": "classifier", "system": None, "dim": 3,
                       "classes": ["2", "1", "0.64", "0.5"], "source": "test", "graph": {"cutoff": 1.5}})
    model, card = load_model("att")
    att = Attention(model, card).compute(snap)
    g = att.graph
    assert att.coefficients.shape == (3, g.n_edges, 4)
    has_in = np.bincount(g.receivers, minlength=g.n) > 0
    for layer in att.coefficients:
        for h in range(4):
            sums = np.bincount(g.receivers, weights=layer[:, h], minlength=g.n)
            assert np.allclose(sums[has_in], 1, atol=1e-5)
    assert np.isclose(att.values.mean(), has_in.mean(), atol=1e-5)
    # invariant under relabelling (a permutation of the particles)
    perm = rng.permutation(snap.n)
    again = Attention(model, card).compute(snap.take(perm))
    assert np.allclose(again.values, att.values[perm], atol=1e-5)


def test_split_keeps_a_liquid_with_its_glass(tmp_path):
    meta = []
    for k in range(30):
        meta.append((str(tmp_path / "ka2d" / f"config_{k:04d}.npz"), {"config": k, "temperature": 0.8}))
        meta.append((str(tmp_path / "ka2d" / f"glass_{k:04d}.npz"), {"config": k, "temperature": 0.05}))
    split = split_by_configuration(meta)
    where = {os.path.basename(p): name for name, part in split.items() for p in part}
    assert len(where) == 60
    for k in range(30):
        assert where[f"config_{k:04d}.npz"] == where[f"glass_{k:04d}.npz"]
    assert (len(split["train"]), len(split["val"]), len(split["test"])) == (48, 6, 6)
    assert len(symmetry_ops(2)) == 8 and len(symmetry_ops(3)) == 48


def test_classify_cli(glassviz_home, rng, tmp_path):
    snap = _ka2d(rng)
    _cnn_card("c", snap)
    path = tmp_path / "snap.xyz"
    lines = [str(snap.n), f'Lattice="{snap.h[0, 0]} 0 0 0 {snap.h[1, 1]} 0 0 0 1" Properties=species:S:1:pos:R:2']
    for s, (x, y) in zip(snap.species, snap.positions):
        lines.append(f"{'AB'[s]} {x:.8f} {y:.8f}")
    path.write_text("\n".join(lines) + "\n")
    code, out, err = run_cli("classify", "--model", "c", path, "--json")
    assert code == 0, err
    rows = json.loads(out)
    assert rows[0]["class"] in ("liquid", "glass") and np.isclose(sum(rows[0]["probabilities"].values()), 1)


def test_bundled_attention_classifier_on_the_independent_demo():
    """The N = 4096 T = 0.64 demo comes from its own simulation run (other N, other chains)."""
    from glassviz.models.classify import classify

    model, card = load_model("attention_ka3d_T4")
    row = classify(model, card, [glassviz.load(os.path.join(ASSETS, "ka3d_T0.64_N4096", "config_0000.npz"))])[0]
    assert row["class"] == "0.64" and row["probabilities"]["0.64"] > 0.9
