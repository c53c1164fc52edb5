"""The glassviz dataset npz format: round trip, determinism, detection, bad files."""

import numpy as np
import pytest

import glassviz
from glassviz.errors import InputError
from glassviz.io import dataset, detect_format
from tests.conftest import BOTAN_FILES, need_shared


def _arrays(rng, n=50, d=2, times=(0.5, 2.0)):
    L = 7.0
    return {"positions": rng.uniform(0, L, (n, d)).astype(np.float32), "types": (1 + (rng.random(n) < 0.35)).astype(np.int8),
            "box": np.eye(d) * L, "meta": {"system": "KA2D", "temperature": 0.8, "replicas": 4, "edge_cutoff": 2.0},
            "times": np.array(times), "propensity": rng.random((len(times), n)).astype(np.float32),
            "edge_index": np.array([[0, 1], [2, 3]], dtype=np.int32),
            "edge_change": rng.random((len(times), 2)).astype(np.float32)}


def test_round_trip(tmp_path, rng):
    arrays = _arrays(rng)
    path = tmp_path / "c.npz"
    dataset.write(path, arrays)
    snap = glassviz.load(path)
    assert detect_format(path).name == "glassviz"
    assert snap.n == 50 and snap.dim == 2 and snap.temperature == 0.8 and snap.meta["system"] == "KA2D"
    assert np.allclose(snap.file_positions, arrays["positions"], atol=1e-5)
    assert np.array_equal(snap.species + 1, arrays["types"]) and np.array_equal(snap.ids, np.arange(1, 51))
    from glassviz.dynamics import pair_distance_change, propensity

    assert np.allclose(propensity(snap, 2.0), arrays["propensity"][1])
    pairs, change = pair_distance_change(snap, 0.5)
    assert np.array_equal(pairs, arrays["edge_index"]) and np.allclose(change, arrays["edge_change"][0])
    with pytest.raises(InputError, match="stores no propensity of moment 2"):
        propensity(snap, 0.5, moment=2)


def test_same_data_same_bytes(tmp_path, rng):
    arrays = _arrays(rng)
    dataset.write(tmp_path / "a.npz", arrays)
    dataset.write(tmp_path / "b.npz", dict(arrays))
    assert (tmp_path / "a.npz").read_bytes() == (tmp_path / "b.npz").read_bytes()


def test_botan_npz_is_still_botan():
    assert detect_format(need_shared(BOTAN_FILES[0])).name == "botan"


def test_bad_files(tmp_path, rng):
    arrays = _arrays(rng)
    path = tmp_path / "c.npz"
    dataset.write(path, arrays)
    data = path.read_bytes()
    (tmp_path / "cut.npz").write_bytes(data[: len(data) // 2])
    with pytest.raises(InputError, match="cut.npz"):
        glassviz.load(tmp_path / "cut.npz")
    bad = dict(arrays, propensity=arrays["propensity"][:, :10])
    dataset.write(tmp_path / "shape.npz", bad)
    with pytest.raises(InputError, match=r"'propensity' has shape \(2, 10\), expected \(2, 50\)"):
        glassviz.load(tmp_path / "shape.npz")
    nan = dict(arrays, positions=np.where(np.arange(50)[:, None] == 7, np.nan, arrays["positions"]))
    dataset.write(tmp_path / "nan.npz", nan)
    with pytest.raises(InputError, match="nan.npz"):
        glassviz.load(tmp_path / "nan.npz")
    with pytest.raises(InputError, match="cannot read as 3D"):
        glassviz.load(path, dim=3)
