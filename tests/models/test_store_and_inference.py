"""Model store, batched inference, invariances, CLI."""

import json

import numpy as np
import pytest
import torch

import glassviz
from glassviz.errors import GlassvizError, InputError
from glassviz.models.botan import BOTAN
from glassviz.models.inference import forward_graphs, predict, rotation_spread
from glassviz.models.ntgnn import NTGNN
from glassviz.models.store import list_cards, load_model, save_model, user_dir
from glassviz.models.graphs import cubic_group
from tests.conftest import DEMO_GLASS, run_cli
from tests.helpers import make_snapshot


def _ka3d(rng, n=600):
    L = (n / 1.2) ** (1 / 3)
    return make_snapshot(rng.uniform(0, L, (n, 3)), np.eye(3) * L, species=(np.arange(n) >= 0.8 * n).astype(int))


def _card(name, arch):
    return {"name": name, "kind": "propensity", "system": "KA3D", "dim": 3, "temperature": 0.64, "time": 8.0,
            "source": "test", "graph": {"cutoff": 2.0, "self_edges": arch == "ntgnn"}, "metrics": {}}


@pytest.fixture
def stored():
    torch.manual_seed(0)
    save_model(NTGNN(), _card("nt", "ntgnn"))
    save_model(BOTAN(), _card("bo", "botan"))


def test_store_round_trip(stored, rng, glassviz_home):
    assert user_dir().startswith(str(glassviz_home))
    names = [c["name"] for c in list_cards() if c["origin"] == "user"]
    assert names == ["bo", "nt"]
    model, card = load_model("nt")
    assert card["arch"] == "ntgnn" and card["config"] == {"dim": 3, "hidden": 64, "steps": 7}
    with pytest.raises(GlassvizError, match="no model named 'zz'"):
        load_model("zz")
    with pytest.raises(GlassvizError, match="invalid model name"):
        save_model(NTGNN(), _card("../evil", "ntgnn"))


def test_corrupt_weights_are_refused(stored, glassviz_home):
    (glassviz_home / "models" / "nt.safetensors").write_bytes(b"\x00" * 20)
    with pytest.raises(InputError, match="nt.safetensors"):
        load_model("nt")


def test_wrong_system_or_dimension_is_refused(stored, rng):
    model, card = load_model("nt")
    with pytest.raises(InputError, match="is 2D but model 'nt' is for 3D"):
        predict(model, card, [glassviz.load(DEMO_GLASS)])
    L = (600 / 0.9) ** (1 / 3)
    other = make_snapshot(rng.uniform(0, L, (600, 3)), np.eye(3) * L, species=(np.arange(600) >= 300).astype(int))
    with pytest.raises(InputError, match="matches no known system"):
        predict(model, card, [other])


def test_batched_prediction_equals_single(stored, rng):
    model, card = load_model("bo")
    snaps = [_ka3d(rng) for _ in range(3)]
    batch = predict(model, card, snaps)
    for s, p in zip(snaps, batch):
        single = predict(model, card, [s])[0]
        assert np.allclose(p.nodes, single.nodes, atol=1e-6) and np.allclose(p.edges, single.edges, atol=1e-6)


@pytest.mark.parametrize("name", ["nt", "bo"])
def test_invariance_to_translation_and_relabelling(stored, rng, name):
    model, card = load_model(name)
    s = _ka3d(rng)
    base = predict(model, card, [s])[0].nodes
    moved = s.with_positions(s.positions + np.array([1.7, -3.2, 0.4]))
    assert np.abs(predict(model, card, [moved])[0].nodes - base).max() < 1e-4
    perm = rng.permutation(s.n)
    shuffled = s.take(perm)
    assert np.abs(predict(model, card, [shuffled])[0].nodes - base[perm]).max() < 1e-4


@pytest.mark.parametrize("name", ["nt", "bo"])
def test_rotation_spread_rows_are_turned_snapshots(stored, rng, name):
    model, card = load_model(name)
    s = _ka3d(rng, n=300)
    rows = rotation_spread(model, card, s)
    assert rows.shape == (48, s.n)
    assert np.abs(rows[0] - predict(model, card, [s])[0].nodes).max() < 1e-5
    # every row is the prediction for the snapshot actually turned (positions rotated about the
    # box centre, then wrapped): the graph's vectors were turned the same way
    for m in cubic_group(3)[::7]:
        turned = predict(model, card, [s.with_positions(s.positions @ m.T)])[0].nodes
        assert min(np.abs(turned - r).max() for r in rows) < 1e-4
    # random weights are far from invariant: the check can see a difference
    assert rows.std(axis=0).mean() > 0.05 * rows[0].std()


def test_cubic_group():
    g = cubic_group(3)
    assert g.shape == (48, 3, 3)
    assert np.allclose(np.einsum("kij,klj->kil", g, g), np.eye(3))
    assert len({m.tobytes() for m in g}) == 48 and cubic_group(2).shape == (8, 2, 2)


def test_forward_graphs_matches_literal_on_a_union(rng):
    from glassviz.models.graphs import radius_graph

    model = BOTAN().eval()
    snaps = [_ka3d(rng, 300) for _ in range(2)]
    graphs = [radius_graph(s, 2.0, self_edges=False) for s in snaps]
    res = forward_graphs(model, [s.species for s in snaps], graphs)
    for s, g, (nodes, edges) in zip(snaps, graphs, res):
        with torch.no_grad():
            n2, e2 = model.forward_literal(torch.from_numpy(s.species), torch.from_numpy(g.vectors),
                                           torch.from_numpy(g.senders), torch.from_numpy(g.receivers))
        assert np.abs(nodes - n2.numpy()).max() < 1e-5 and np.abs(edges - e2.numpy()).max() < 1e-5


def test_cli_import_list_predict(glassviz_home, tmp_path):
    from tests.models.conftest import BOTAN_PTH, DEEPMIND_CKPT
    from tests.conftest import BOTAN_FILES, need_shared

    need_shared(DEEPMIND_CKPT + ".index")
    env_home = str(glassviz_home)
    import os

    os.environ["GLASSVIZ_HOME"] = env_home  # run_cli passes the environment on
    rc, _, err = run_cli("models", "import", "deepmind", DEEPMIND_CKPT, "--name", "dm")
    assert rc == 0, err
    rc, _, err = run_cli("models", "import", "botan", BOTAN_PTH, "--name", "bt", "--temperature", "0.44", "--time", "13")
    assert rc == 0, err
    rc, out, _ = run_cli("models", "list", "--json")
    cards = {c["name"]: c for c in json.loads(out)}
    assert cards["dm"]["temperature"] == 0.44 and cards["dm"]["time"] == 0.132 and cards["dm"]["arch"] == "ntgnn"
    assert cards["bt"]["arch"] == "botan" and cards["bt"]["origin"] == "user"
    f = need_shared(BOTAN_FILES[0])
    rc, out, err = run_cli("predict", f, "--model", "bt", "-o", tmp_path / "p.csv", "--edges", tmp_path / "e.csv")
    assert rc == 0, err
    header = open(tmp_path / "p.csv").readline().strip()
    assert header == "id,type,x,y,z,propensity@bt"
    assert open(tmp_path / "e.csv").readline().strip() == "sender_id,receiver_id,edge_change@bt"
    rc, out, err = run_cli("evaluate", "--model", "dm", f, "--json")
    assert rc == 2 and "no stored time 0.132" in err  # the file stores t = 4120 only
    rc, out, err = run_cli("evaluate", "--model", "dm", f, "--time", "4120", "--json")
    res = json.loads(out)
    assert rc == 0 and res["files"][0]["n_a"] == 3277 and abs(res["mean"]) < 0.5
    rc, _, err = run_cli("predict", DEMO_GLASS, "--model", "dm")
    assert rc == 2 and "is 2D but model 'dm' is for 3D" in err


def test_model_fields(stored, rng):
    from glassviz.fields import compute_fields

    s = _ka3d(rng, n=300)
    out = compute_fields(s, ["propensity@nt", "propensity@bo", "edge_change@bo"])
    model, card = load_model("bo")
    pred = predict(model, card, [s])[0]
    assert np.allclose(out["propensity@bo"], pred.nodes)
    g = pred.graph
    for i in rng.choice(s.n, 5, replace=False):
        into = g.receivers == i
        assert np.isclose(out["edge_change@bo"][i], pred.edges[into].mean())
    model, card = load_model("nt")
    assert np.allclose(out["propensity@nt"], predict(model, card, [s])[0].nodes)
    with pytest.raises(GlassvizError, match="needs a BOTAN model"):
        compute_fields(s, ["edge_change@nt"])
    with pytest.raises(GlassvizError, match="no model named"):
        compute_fields(s, ["propensity@missing"])


@pytest.mark.parametrize("name", ["nt", "bo"])
def test_orientation_average_is_exactly_cubic_invariant(stored, rng, name):
    model, card = load_model(name)
    s = _ka3d(rng, n=300)
    m = cubic_group(3)[29]  # a rotation-reflection other than the identity
    turned = s.with_positions(s.positions @ m.T)
    one, one_turned = (predict(model, card, [x])[0] for x in (s, turned))
    full, full_turned = (predict(model, card, [x], orientations=48)[0] for x in (s, turned))
    # random weights are far from invariant; the average over the whole group is invariant
    assert np.abs(one.nodes - one_turned.nodes).max() > 0.1 * one.nodes.std()
    assert np.abs(full.nodes - full_turned.nodes).max() < 1e-5
    # the average equals the mean of the rotation check's rows
    np.testing.assert_allclose(full.nodes, rotation_spread(model, card, s).mean(axis=0), atol=1e-5)
    if name == "bo":  # edge predictions too (same graph, same edge order)
        assert np.array_equal(full.graph.senders, full_turned.graph.senders)
        assert np.abs(full.edges - full_turned.edges).max() < 1e-5
    # batched snapshots give the same averages as one at a time
    both = predict(model, card, [s, turned], orientations=48)
    np.testing.assert_allclose(both[1].nodes, full_turned.nodes, atol=1e-6)
    assert predict(model, card, [s], orientations=1)[0].nodes.tolist() == one.nodes.tolist()
    with pytest.raises(GlassvizError, match="between 1 and 48"):
        predict(model, card, [s], orientations=49)


def test_orientations_option_in_the_cli(stored, rng, tmp_path):
    from tests.analysis.trajectories import write_dump

    s = _ka3d(rng, n=300)
    path = write_dump(tmp_path / "one.dump", [s])
    out = tmp_path / "p.csv"
    rc, _, err = run_cli("predict", str(path), "--model", "nt", "--orientations", "48", "-o", str(out))
    assert rc == 0, err
    import pandas as pd

    model, card = load_model("nt")
    got = pd.read_csv(out)["propensity@nt"].to_numpy()
    np.testing.assert_allclose(got, predict(model, card, [glassviz.load(str(path))], orientations=48)[0].nodes,
                               atol=1e-6)
    rc, _, err = run_cli("fields", str(path), "--fields", "propensity@nt", "--orientations", "0")
    assert rc == 2 and "between 1 and 48" in err and "Traceback" not in err
