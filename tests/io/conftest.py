import pytest

from tests.conftest import DEEPMIND, need_shared


@pytest.fixture
def deepmind_full(tmp_path):
    """A pickle in the layout of DeepMind's full-size files, built from their toy file:
    targets at all 10 horizons, replica positions of horizon 3 only, no start velocities.
    Returns (path, the dict written)."""
    from tests.io.fixtures.deepmind_full import write_full_layout

    path = tmp_path / "full_layout.pickle"
    return path, write_full_layout(need_shared(DEEPMIND), path, keep=(3,))
