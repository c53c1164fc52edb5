import numpy as np
import pytest

import glassviz
from glassviz.errors import GlassvizError
from glassviz.systems import default_sigma, parse_sigma
from tests.conftest import DEMO_GLASS


def test_recognise_demo_and_defaults():
    s = glassviz.load(DEMO_GLASS)
    assert s.system().name == "KA2D"
    np.testing.assert_allclose(default_sigma(s), [[1.0, 0.94], [0.94, 0.88]])
    np.testing.assert_allclose(default_sigma(s, "ABM2D"), [[5 / 6, 1.0], [1.0, 7 / 6]])


def test_parse_sigma():
    np.testing.assert_allclose(parse_sigma("AA=1, AB=0.94 ,BB=0.88"), [[1, 0.94], [0.94, 0.88]])
    with pytest.raises(GlassvizError, match="missing pair"):
        parse_sigma("AA=1,BB=0.88")
    with pytest.raises(GlassvizError, match="cannot read"):
        parse_sigma("AA:1")


def test_ternary_ka2d_is_recognised():
    """GlassBench's 2D ternary KA (StructDynGlass files) needs no hand-typed --sigma."""
    from glassviz.fields import compute_fields
    from glassviz.systems import SYSTEMS
    from tests.conftest import STRUCTDYN, need_shared

    s = glassviz.load(need_shared(STRUCTDYN))
    system = s.system()
    assert system.name == "TKA2D" and system.dim == 2
    assert s.density == pytest.approx(system.density, rel=1e-6)
    sig = default_sigma(s)
    np.testing.assert_allclose(sig, [[1.0, 0.8, 0.9], [0.8, 0.88, 0.8], [0.9, 0.8, 0.94]])
    np.testing.assert_allclose(sig, sig.T)
    eps = np.asarray(SYSTEMS["TKA2D"].lj_epsilon)
    assert eps[0, 1] == 1.5 and eps[1, 1] == 0.5 and eps[2, 2] == 0.75 and eps[0, 2] == 0.75
    auto = compute_fields(s, ["tong_tanaka"])["tong_tanaka"]
    given = compute_fields(s, ["tong_tanaka"], sigma=parse_sigma("AA=1,AB=0.8,AC=0.9,BB=0.88,BC=0.8,CC=0.94", 3))
    np.testing.assert_array_equal(auto, given["tong_tanaka"])
    # the other known systems do not take it, and it does not take them
    assert glassviz.load(DEMO_GLASS).system().name == "KA2D"


def test_ternary_ka2d_is_not_simulated():
    from glassviz.simulate.md import pair_commands
    from glassviz.systems import get_system

    with pytest.raises(GlassvizError, match="no lj/smooth/quartic pair style"):
        pair_commands(get_system("tka2d"))
