"""Coarse-graining: constants stay constant, ξ -> 0 gives the field back, the exact sum equals
explicit loops, the split (grid) sum stays close to the exact one."""

import numpy as np
import pytest

import glassviz
from glassviz.errors import GlassvizError
from glassviz.snapshot import minimum_image
from glassviz.structure import CoarseGrain, VoronoiVolume, minmax, one_minus
from tests.conftest import BOTAN_FILES, DEMO_GLASS, need_shared
from tests.helpers import make_snapshot


@pytest.mark.parametrize("method", ["split", "exact"])
def test_constant_field_is_unchanged(method):
    s = glassviz.load(DEMO_GLASS)
    out = CoarseGrain(3.0, method=method).compute(s, np.full(s.n, 2.75)).fields
    np.testing.assert_allclose(out, 2.75, rtol=1e-12)


@pytest.mark.parametrize("method", ["split", "exact"])
def test_xi_to_zero_gives_field_back(method, rng):
    s = glassviz.load(DEMO_GLASS)
    x = rng.random(s.n)
    np.testing.assert_array_equal(CoarseGrain(0.0).compute(s, x).fields, x)
    np.testing.assert_allclose(CoarseGrain(1e-3, method=method).compute(s, x).fields, x, rtol=1e-12)


def test_exact_equals_loops(rng):
    h = np.array([[9.0, 1.0], [0.0, 8.0]])
    s = make_snapshot(rng.random((90, 2)) @ h.T, h)
    x = rng.random(90)
    xi, rc = 1.3, 3.5
    out = CoarseGrain(xi, r_cut=rc, method="exact").compute(s, x).fields
    for i in range(s.n):
        r = np.linalg.norm(minimum_image(s.h, s.positions - s.positions[i]), axis=1)
        w = np.where(r < rc, np.exp(-r / xi), 0.0)
        assert out[i] == pytest.approx((w * x).sum() / w.sum(), rel=1e-6)


def test_split_close_to_exact_3d():
    s = glassviz.load(need_shared(BOTAN_FILES[0]))
    x = VoronoiVolume().compute(s).volumes
    exact = CoarseGrain(3.0, method="exact").compute(s, x).fields
    split = CoarseGrain(3.0).compute(s, x).fields
    assert np.abs(split - exact).max() < 2e-3 * np.ptp(x)
    assert np.abs(split - exact).max() < 0.05 * np.ptp(exact)
    assert np.corrcoef(split, exact)[0, 1] > 0.999


def test_default_cutoff_capped_below_half_box():
    s = glassviz.load(need_shared(BOTAN_FILES[0]))
    cg = CoarseGrain(3.0).compute(s, np.ones(s.n))
    assert cg.r_cut_used < s.h[0, 0] / 2
    with pytest.raises(GlassvizError, match="half the shortest box"):
        CoarseGrain(3.0, r_cut=9.0).compute(s, np.ones(s.n))


def test_nan_values_are_left_out():
    s = glassviz.load(DEMO_GLASS)
    x = np.ones(s.n)
    x[::7] = np.nan
    out = CoarseGrain(3.0).compute(s, x).fields
    np.testing.assert_allclose(out, 1.0, rtol=1e-12)


def test_several_fields_at_once(rng):
    s = glassviz.load(DEMO_GLASS)
    x = rng.random((s.n, 2))
    both = CoarseGrain(2.0).compute(s, x).fields
    np.testing.assert_allclose(both[:, 1], CoarseGrain(2.0).compute(s, x[:, 1]).fields, rtol=1e-12)


def test_minmax_and_one_minus():
    x = np.array([2.0, 4.0, np.nan, 3.0])
    np.testing.assert_allclose(minmax(x), [0.0, 1.0, np.nan, 0.5])
    np.testing.assert_allclose(one_minus(minmax(x)), [1.0, 0.0, np.nan, 0.5])
    np.testing.assert_array_equal(minmax(np.full(3, 5.0)), [0.0, 0.0, 0.0])
    # min/max taken over a subset, applied to all
    np.testing.assert_allclose(minmax([0.0, 1.0, 2.0], mask=[True, True, False]), [0.0, 1.0, 2.0])


@pytest.mark.parametrize("method", ["split", "exact"])
def test_nan_in_one_field_does_not_touch_another(method):
    s = glassviz.load(DEMO_GLASS)
    x = np.column_stack([np.ones(s.n), np.full(s.n, 4.0)])
    x[::5, 0] = np.nan
    out = CoarseGrain(3.0, method=method).compute(s, x).fields
    np.testing.assert_allclose(out[:, 0], 1.0, rtol=1e-12)
    np.testing.assert_allclose(out[:, 1], 4.0, rtol=1e-12)
