"""Every reference file in ../shared/data loads with the right N, dim, box and species counts."""

import numpy as np
import pytest

import glassviz
from tests.conftest import BOTAN_FILES, DEEPMIND, DEMO_GLASS, DEMO_LIQUID, STRUCTDYN, STRUCTDYN_IS, need_shared


@pytest.mark.parametrize("path", [STRUCTDYN, STRUCTDYN_IS])
def test_structdynglass_ka2d_dump(path):
    s = glassviz.load(need_shared(path))
    assert (s.n, s.dim) == (1290, 2)
    np.testing.assert_allclose(np.diag(s.h), [32.8962, 32.8962])
    assert s.type_labels == (1, 2, 3)
    assert s.species_counts.tolist() == [600, 330, 360]
    # no id column: ids are the file order; the box is centred on 0 in the file
    assert s.ids.tolist() == list(range(1290))
    np.testing.assert_allclose(s.offset, [0.0, 0.0], atol=1e-12)
    assert np.all(np.abs(s.positions) <= 32.8962 / 2)
    if path == STRUCTDYN:  # unwrapped xu/yu: the first particle is at (-6.33766, -4.73342)
        np.testing.assert_allclose(s.unwrapped[0], [-6.33766, -4.73342])
    assert s.system().name == "TKA2D"  # GlassBench's 2D ternary Kob-Andersen


def test_structdynglass_frames_indexed():
    path = need_shared(STRUCTDYN)
    assert glassviz.n_frames(path) == 42
    last = glassviz.load(path, frame=-1)
    assert last.meta["timestep"] == 149999993 and last.meta["frame"] == 41
    mid = glassviz.load(path, frame=20)
    assert mid.meta["timestep"] == 12247
    # unwrapped coordinates across frames give a displacement, not a box jump
    first = glassviz.load(path, frame=0)
    dr = last.unwrapped - first.unwrapped
    assert np.abs(dr).max() < 32.8962 / 2


def test_deepmind_pickle():
    s = glassviz.load(need_shared(DEEPMIND))
    assert (s.n, s.dim) == (20, 3)
    np.testing.assert_allclose(np.diag(s.h), [15.04418575] * 3)
    assert s.type_labels == (0,) and s.species_counts.tolist() == [20]
    assert s.temperature == pytest.approx(0.44)
    ens = s.ensemble
    assert ens.positions.shape == (10, 30, 20, 3)
    # horizon 0 is the F_s = 0.9 time of t044_s09: t = 0.132
    assert ens.times[0] == pytest.approx(0.132)
    assert s.meta["is_values"][0] == pytest.approx(0.9)


@pytest.mark.parametrize("path", BOTAN_FILES)
def test_botan_npz(path):
    s = glassviz.load(need_shared(path))
    assert (s.n, s.dim) == (4096, 3)
    np.testing.assert_allclose(np.diag(s.h), [15.05658] * 3, rtol=1e-6)
    assert s.species_counts.sum() == 4096 and s.species_counts[0] > 3 * s.species_counts[1]
    assert s.temperature == pytest.approx(0.44)
    assert s.ensemble.positions.shape == (1, 32, 4096, 3)
    assert s.ensemble.times[0] == pytest.approx(4120.0)
    assert s.system().name == "KA3D"


def test_botan_species_counts_first_file():
    s = glassviz.load(need_shared(BOTAN_FILES[0]))
    assert s.species_counts.tolist() == [3277, 819]


@pytest.mark.parametrize("path", [DEMO_GLASS, DEMO_LIQUID])
def test_bundled_demo(path):
    s = glassviz.load(path)
    assert (s.n, s.dim) == (2000, 2)
    assert s.species_counts.tolist() == [1300, 700]
    assert s.system().name == "KA2D"
    assert s.density == pytest.approx(1.2, rel=1e-9)
