import os
import subprocess
import sys

import numpy as np
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(os.path.dirname(ROOT), "shared", "data")
ASSETS = os.path.join(ROOT, "assets")

STRUCTDYN = os.path.join(SHARED, "structdynglass_ka2d", "Cnf-100000_1.dump")
STRUCTDYN_IS = os.path.join(SHARED, "structdynglass_ka2d", "Cnf-100000_1_inherent.dump")
DEEPMIND = os.path.join(SHARED, "deepmind_glassy_dynamics", "test_small.pickle")
BOTAN_DIR = os.path.join(SHARED, "pyg_botan", "small_data", "T0.44", "train")
BOTAN_FILES = [os.path.join(BOTAN_DIR, f"isoconfig_N4096T0.44_{k}_tc07.npz") for k in range(1, 11)]
DEMO_GLASS = os.path.join(ASSETS, "ka2d_glass_T0.05.dump")
DEMO_LIQUID = os.path.join(ASSETS, "ka2d_liquid_T0.8.dump")


def need_shared(path):
    """Skip (with the reason) when ../shared/data is absent, as on a user's clone; CI has it."""
    if not os.path.exists(path):
        if os.environ.get("CI"):
            pytest.fail(f"reference data missing in CI: {path}")
        pytest.skip(f"reference data not present: {path}")
    return path


def run_cli(*args, cwd=None):
    """Run the glassviz command in a subprocess: (returncode, stdout, stderr)."""
    proc = subprocess.run([sys.executable, "-m", "glassviz.cli", *map(str, args)], capture_output=True,
                          text=True, cwd=cwd or ROOT, env={**os.environ, "PYTHONPATH": ROOT})
    return proc.returncode, proc.stdout, proc.stderr


def triangular_lattice(nx=12, ny=14, a=1.0):
    """Perfect triangular lattice of equal discs in a periodic box: (positions, h)."""
    assert ny % 2 == 0
    i, j = np.meshgrid(np.arange(nx), np.arange(ny), indexing="ij")
    x = a * (i + 0.5 * (j % 2))
    y = a * np.sqrt(3) / 2 * j
    h = np.diag([nx * a, ny * a * np.sqrt(3) / 2])
    return np.column_stack([x.ravel(), y.ravel()]), h


@pytest.fixture
def rng():
    return np.random.default_rng(12345)


EXAMPLE_NOTEBOOK = os.path.join(ROOT, "examples", "dashboard.ipynb")


@pytest.fixture(scope="session")
def executed_notebook(tmp_path_factory):
    """examples/dashboard.ipynb executed by nbclient in a fresh ipykernel (this interpreter, its
    environment; working directory a temporary one): the executed notebook node.  Shared by the
    notebook test and the browser test that renders its output."""
    nbformat = pytest.importorskip("nbformat")
    from nbclient import NotebookClient

    nb = nbformat.read(EXAMPLE_NOTEBOOK, as_version=4)
    cwd = tmp_path_factory.mktemp("notebook")
    NotebookClient(nb, timeout=900, kernel_name="python3", resources={"metadata": {"path": str(cwd)}}).execute()
    return nb
