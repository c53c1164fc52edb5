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
