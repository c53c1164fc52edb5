import pytest


@pytest.fixture(autouse=True)
def glassviz_home(tmp_path, monkeypatch):
    """Each test gets an empty user model directory (trained models land there)."""
    monkeypatch.setenv("GLASSVIZ_HOME", str(tmp_path / "home"))
    return tmp_path / "home"
