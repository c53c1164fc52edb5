"""DeepMind glassy_dynamics pickles: the toy layout and the full-size layout (``targets``)."""

import json
import pickle

import numpy as np
import pytest

import glassviz
from glassviz.dynamics import bond_breakage, cage_propensity, pair_distance_change, propensity
from glassviz.errors import InputError
from glassviz.systems import get_system
from tests.conftest import DEEPMIND, need_shared, run_cli
from tests.io.fixtures.deepmind_full import full_layout


def test_full_layout_ground_truth_comes_from_targets(deepmind_full):
    path, data = deepmind_full
    s = glassviz.load(path)
    ens = s.ensemble
    times = np.asarray(data["time"])[data["time_indices"]]
    np.testing.assert_array_equal(ens.times, times)
    for k, t in enumerate(times):
        np.testing.assert_array_equal(propensity(s, t), data["targets"][k].astype(np.float64))
    # the one kept replica block is matched to horizon 3 and used there
    assert ens.n_replicas == 30
    np.testing.assert_array_equal(ens.replica_times, [times[3]])
    assert s.meta["is_values"][0] == pytest.approx(0.9)
    assert s.temperature == 0.44


def test_full_layout_agrees_with_the_toy_file(deepmind_full):
    path, _ = deepmind_full
    full, toy = glassviz.load(path), glassviz.load(need_shared(DEEPMIND))
    t3 = toy.ensemble.times[3]
    # float32 targets against the toy's float64 replica average
    np.testing.assert_allclose(propensity(full, t3), propensity(toy, t3), rtol=1e-6)
    np.testing.assert_allclose(cage_propensity(full, t3), cage_propensity(toy, t3), atol=1e-12)
    ka = get_system("KA3D").lj_sigma  # 20 particles are no recognisable system
    np.testing.assert_allclose(bond_breakage(full, t3, ka), bond_breakage(toy, t3, ka), atol=1e-12)
    p_full, c_full = pair_distance_change(full, t3)
    p_toy, c_toy = pair_distance_change(toy, t3)
    np.testing.assert_array_equal(p_full, p_toy)
    np.testing.assert_allclose(c_full, c_toy, atol=1e-12)


def test_full_layout_without_replicas_at_a_time_says_where_they_are(deepmind_full):
    path, _ = deepmind_full
    s = glassviz.load(path)
    t0 = s.ensemble.times[0]
    with pytest.raises(InputError, match=r"no cage-relative propensity and no replica positions at t = 0.132 "
                                         r"\(replicas are stored at t = 1245"):
        cage_propensity(s, t0)
    with pytest.raises(InputError, match="stores no propensity of moment 2"):
        propensity(s, t0, moment=2)
    # moment 2 where the replicas are
    assert np.all(propensity(s, s.ensemble.times[3], moment=2) > 0)


def test_full_layout_with_no_replicas_and_unmatched_replicas(tmp_path):
    from glassviz.io.deepmind import load_dict

    toy = load_dict(need_shared(DEEPMIND))
    none = full_layout(toy, keep=())
    with open(tmp_path / "none.pickle", "wb") as fh:
        pickle.dump(none, fh)
    s = glassviz.load(tmp_path / "none.pickle")
    assert s.ensemble.positions is None and s.ensemble.n_replicas == 0
    np.testing.assert_array_equal(propensity(s, 0.132), none["targets"][0].astype(np.float64))
    # a replica block that reproduces no target (shifted particles) is left out, and meta says so
    bad = full_layout(toy, keep=(2,))
    bad["trajectory_target_positions"] = [bad["trajectory_target_positions"][0] + 0.3]
    with open(tmp_path / "bad.pickle", "wb") as fh:
        pickle.dump(bad, fh)
    s = glassviz.load(tmp_path / "bad.pickle")
    assert s.ensemble.positions is None and "reproduce none of the targets" in s.meta["replicas_note"]
    # targets of the wrong length: one clear line
    short = dict(none, targets=none["targets"][:4])
    with open(tmp_path / "short.pickle", "wb") as fh:
        pickle.dump(short, fh)
    with pytest.raises(InputError, match=r"'targets' has shape \(4, 20\), expected \(10, 20\)"):
        glassviz.load(tmp_path / "short.pickle")


def test_full_layout_all_horizons_kept_and_velocities(tmp_path):
    from glassviz.io.deepmind import load_dict

    toy = load_dict(need_shared(DEEPMIND))
    data = full_layout(toy, keep=tuple(range(10)), velocities=True)
    with open(tmp_path / "all.pickle", "wb") as fh:
        pickle.dump(data, fh)
    s = glassviz.load(tmp_path / "all.pickle")
    assert s.ensemble.replica_index is None and len(s.ensemble.replica_times) == 10


def test_fields_cli_on_the_full_layout(deepmind_full):
    path, data = deepmind_full
    code, out, err = run_cli("fields", path, "--fields", "propensity,voronoi_volume", "--time", "455.541", "-q")
    assert code == 0, err
    import io

    import pandas as pd

    table = pd.read_csv(io.StringIO(out))
    np.testing.assert_allclose(table["propensity"], data["targets"][2], rtol=1e-7)
    code, _, err = run_cli("fields", path, "--fields", "propensity", "-q")
    assert code != 0 and "several times" in err and "Traceback" not in err


def test_training_samples_from_the_full_layout(deepmind_full):
    from glassviz.train.propensity import load_samples

    path, data = deepmind_full
    (sample,) = load_samples([path], 0.132, "ntgnn")
    np.testing.assert_array_equal(sample.node_target, data["targets"][0])


@pytest.mark.slow
def test_evaluate_the_deepmind_checkpoint_on_a_full_size_file(tmp_path, monkeypatch):
    """Acceptance: on an N = 4096 file in the full-size layout (a T = 0.44 configuration with 30
    LAMMPS replicas, see ``fixtures/deepmind_full.py``), ``evaluate`` of the imported t044_s09
    checkpoint at t = 0.13 gives the Pearson computed from the file's ``targets`` directly."""
    from tests.conftest import BOTAN_FILES
    from tests.io.fixtures.deepmind_full import simulate_full_layout
    from tests.models.conftest import DEEPMIND_CKPT

    need_shared(DEEPMIND_CKPT + ".index")
    monkeypatch.setenv("GLASSVIZ_HOME", str(tmp_path / "home"))
    path = tmp_path / "full_n4096.pickle"
    data = simulate_full_layout(need_shared(BOTAN_FILES[0]), path)
    code, _, err = run_cli("models", "import", "deepmind", DEEPMIND_CKPT, "--name", "dm_t044_s09")
    assert code == 0, err
    code, out, err = run_cli("evaluate", "--model", "dm_t044_s09", path, "--time", "0.13", "--json")
    assert code == 0, err
    result = json.loads(out)

    from glassviz.models.inference import predict
    from glassviz.models.store import load_model

    model, card = load_model("dm_t044_s09")
    pred = predict(model, card, [glassviz.load(path)])[0].nodes
    a = np.asarray(data["types"]) == 0
    direct = np.corrcoef(pred[a], data["targets"][0][a])[0, 1]
    print(f"t044_s09 on the N = 4096 full-layout file at t = 0.13: evaluate {result['files'][0]['pearson']:.4f}, "
          f"from targets directly {direct:.4f}; F_s at the horizons {np.round(data['is_values'], 3).tolist()}")
    assert result["files"][0]["pearson"] == pytest.approx(direct, abs=1e-6)
    assert result["files"][0]["time_source"] == "file"
    assert direct > 0.85  # PROVENANCE: ~0.93 on DeepMind's own data at this horizon
