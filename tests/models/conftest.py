import os

import pytest

from tests.conftest import SHARED

DEEPMIND_CKPT = os.path.join(SHARED, "deepmind_glassy_dynamics", "t044_s09.ckpt")
BOTAN_PTH = os.path.join(SHARED, "pyg_botan", "initial_model", "model1.pth")


@pytest.fixture(autouse=True)
def glassviz_home(tmp_path, monkeypatch):
    """Each test gets an empty user model directory."""
    monkeypatch.setenv("GLASSVIZ_HOME", str(tmp_path / "home"))
    return tmp_path / "home"
