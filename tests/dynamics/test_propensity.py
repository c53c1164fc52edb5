"""Ground-truth propensity from stored isoconfigurational ensembles."""

import numpy as np
import pytest

import glassviz
from glassviz.dynamics import propensity
from glassviz.errors import InputError
from glassviz.snapshot import species_mask
from tests.conftest import BOTAN_FILES, DEEPMIND, DEMO_GLASS, need_shared


@pytest.mark.parametrize("path", BOTAN_FILES)
def test_botan_type_a_propensity_in_published_range(path):
    s = glassviz.load(need_shared(path))
    p = propensity(s)
    mean_a = p[species_mask(s, "A")].mean()
    assert 0.37 < mean_a < 0.70


def test_moments_and_explicit_mean():
    s = glassviz.load(need_shared(BOTAN_FILES[0]))
    p1, p2 = propensity(s, moment=1), propensity(s, moment=2)
    assert np.all(p2 >= p1**2 - 1e-12)  # Jensen
    dr = s.ensemble.positions[0] - s.ensemble.initial
    np.testing.assert_allclose(p1, np.linalg.norm(dr, axis=2).mean(axis=0))


def test_deepmind_time_selection():
    s = glassviz.load(need_shared(DEEPMIND))
    p = propensity(s, time=0.132)
    assert p.shape == (20,) and np.all(p > 0)
    with pytest.raises(InputError, match="several times"):
        propensity(s)
    with pytest.raises(InputError, match="no stored time 5"):
        propensity(s, time=5.0)
    # later horizons move further
    assert propensity(s, time=s.ensemble.times[8]).mean() > p.mean()


def test_no_ensemble_is_a_clear_error():
    with pytest.raises(InputError, match="no isoconfigurational ensemble"):
        propensity(glassviz.load(DEMO_GLASS))
