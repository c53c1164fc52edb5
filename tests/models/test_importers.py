"""Published checkpoints: the TensorFlow bundle reader, the DeepMind and pyg_botan importers."""

import numpy as np
import pytest
import torch

import glassviz
from glassviz.errors import InputError
from glassviz.models.graphs import radius_graph
from glassviz.models.importers.deepmind import defaults_from_name, import_ntgnn
from glassviz.models.importers.tf_bundle import load_checkpoint
from tests.conftest import BOTAN_FILES, need_shared
from tests.models.conftest import BOTAN_PTH, DEEPMIND_CKPT


def _inputs(snap, g):
    return (torch.from_numpy(snap.species), torch.from_numpy(g.vectors), torch.from_numpy(g.senders),
            torch.from_numpy(g.receivers))


def test_tensor_bundle_reads_every_variable():
    need_shared(DEEPMIND_CKPT + ".index")
    ck = load_checkpoint(DEEPMIND_CKPT)
    assert ck["Graph/graph_network/edge_block/mlp/linear_0/w"].shape == (384, 64)
    assert ck["Graph/graph_network/node_block/mlp/linear_0/w"].shape == (192, 64)
    assert ck["Graph/graph_independent_1/node_model/mlp/linear_2/w"].shape == (64, 1)
    # Adam slots hold the same shapes as their variables
    assert ck["Graph/graph_network/edge_block/mlp/linear_0/w/Adam"].shape == (384, 64)
    assert all(np.all(np.isfinite(v)) for v in ck.values())


def test_bad_checkpoints(tmp_path):
    need_shared(DEEPMIND_CKPT + ".index")
    with pytest.raises(InputError, match="no such file"):
        load_checkpoint(tmp_path / "missing")
    (tmp_path / "bad.index").write_bytes(b"not a table" * 10)
    with pytest.raises(InputError, match="bad.index"):
        load_checkpoint(tmp_path / "bad")
    data = open(DEEPMIND_CKPT + ".index", "rb").read()
    (tmp_path / "cut.index").write_bytes(data)
    (tmp_path / "cut.data-00000-of-00001").write_bytes(open(DEEPMIND_CKPT + ".data-00000-of-00001", "rb").read()[:1000])
    with pytest.raises(InputError, match="truncated"):
        load_checkpoint(tmp_path / "cut")


def test_names_give_the_training_point():
    assert defaults_from_name("x/t044_s09.ckpt") == {"temperature": 0.44, "fs_value": 0.9, "time": 0.132}
    assert defaults_from_name("t044_s05")["time"] == 2587.017
    assert defaults_from_name("model.ckpt")["temperature"] is None


def test_deepmind_factored_equals_literal_and_matches_the_data():
    """The imported network on a T = 0.44 configuration: factored and literal forms agree; its
    prediction correlates with the propensity at t = 0.13 of fresh replicas (PROVENANCE: ~0.93)."""
    need_shared(DEEPMIND_CKPT + ".index")
    model, info = import_ntgnn(DEEPMIND_CKPT)
    snap = glassviz.load(need_shared(BOTAN_FILES[0]))
    g = radius_graph(snap, 2.0, self_edges=True)
    with torch.no_grad():
        fast = model(*_inputs(snap, g)).numpy()
        slow = model.forward_literal(*_inputs(snap, g)).numpy()
    assert np.abs(fast - slow).max() < 1e-5
    assert info["time"] == 0.132 and sum(p.numel() for p in model.parameters()) > 60000
    # Without self-edges the network breaks (PROVENANCE): a check that the graph convention matters
    g_ns = radius_graph(snap, 2.0, self_edges=False)
    with torch.no_grad():
        no_self = model(*_inputs(snap, g_ns)).numpy()
    assert np.abs(no_self - fast).mean() > 0.01


@pytest.mark.slow
def test_deepmind_checkpoint_predicts_short_time_propensity():
    from glassviz.simulate.protocols import replica

    need_shared(DEEPMIND_CKPT + ".index")
    model, _ = import_ntgnn(DEEPMIND_CKPT)
    snap = glassviz.load(need_shared(BOTAN_FILES[0]))
    g = radius_graph(snap, 2.0, self_edges=True)
    with torch.no_grad():
        pred = model(*_inputs(snap, g)).numpy()
    x = np.mod(snap.file_positions, np.diag(snap.h))
    state = {"x": x, "image": np.zeros((snap.n, 3), np.int64), "v": np.zeros((snap.n, 3)), "types": snap.species + 1,
             "h": snap.h}
    reps = np.stack([replica("KA3D", state, 0.44, [0.13], seed=1, config=0, index=r)[0] for r in range(32)])
    prop = np.linalg.norm(reps - x[None], axis=2).mean(axis=0)
    a = snap.species == 0
    r = np.corrcoef(pred[a], prop[a])[0, 1]
    print(f"DeepMind t044_s09 on a T = 0.44 configuration, propensity at t = 0.13 (32 replicas): Pearson {r:.3f}")
    assert r > 0.88


def test_botan_import_matches_pyg_layout():
    from glassviz.models.importers.botan import import_botan

    model = import_botan(need_shared(BOTAN_PTH))
    raw = torch.load(BOTAN_PTH, weights_only=True, map_location="cpu")
    assert torch.equal(model.edge_core[0].weight, raw["network.edge_model.mlp.fc1.weight"])
    assert torch.equal(model.decoder[4].bias, raw["decoder.fc3.bias"])
    snap = glassviz.load(need_shared(BOTAN_FILES[1]))
    g = radius_graph(snap, 2.0, self_edges=False)
    with torch.no_grad():
        n1, e1 = model(*_inputs(snap, g))
        n2, e2 = model.forward_literal(*_inputs(snap, g))
    assert (n1 - n2).abs().max() < 1e-5 and (e1 - e2).abs().max() < 1e-5


def test_botan_import_refuses_other_files(tmp_path):
    from glassviz.models.importers.botan import import_botan

    torch.save({"layer.weight": torch.zeros(2, 2)}, tmp_path / "other.pth")
    with pytest.raises(InputError, match="not a pyg_botan BOTAN state dict"):
        import_botan(tmp_path / "other.pth")
    (tmp_path / "junk.pth").write_bytes(b"junk")
    with pytest.raises(InputError, match="junk.pth"):
        import_botan(tmp_path / "junk.pth")


def test_deepmind_import_reproduces_the_original_tensorflow_graph():
    """Fixture: node predictions of the published meta graph run by TensorFlow itself (with its
    own graph construction), made once by ``fixtures/make_deepmind_reference.py``."""
    import os

    need_shared(DEEPMIND_CKPT + ".index")
    ref = np.load(os.path.join(os.path.dirname(__file__), "fixtures", "deepmind_t044_s09_reference.npz"))
    model, _ = import_ntgnn(DEEPMIND_CKPT)
    for k, name in enumerate(ref["files"]):
        path = need_shared(next(f for f in BOTAN_FILES if f.endswith(str(name))))
        snap = glassviz.load(path, box_length=float(ref["box"]))
        g = radius_graph(snap, 2.0, self_edges=True)
        with torch.no_grad():
            pred = model(*_inputs(snap, g)).numpy()
        expect = ref[f"pred_{k}"]
        # float32 sums over ~40 neighbours in another order: a few ulps of the 0.1 output
        assert np.abs(pred - expect).max() < 2e-5
        assert np.corrcoef(pred, expect)[0, 1] > 0.999999
