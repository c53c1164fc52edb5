"""An install from a wheel works on its own (issue 14, point 6).

The wheel is built from a copy of the repository (so no stale ``build/`` folder leaks into it)
with the build backend already installed here (``--no-build-isolation --no-index``: nothing is
downloaded), installed with ``--no-deps`` into a fresh virtual environment that sees this
interpreter's packages (torch, Panel, ... are not installed again), and then used from an
unrelated working directory, without PYTHONPATH: the bundled models, the demo and the dashboard
must come from the installed package.
"""

import glob
import json
import os
import shutil
import site
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zipfile

import numpy as np
import pandas as pd
import pytest

from tests.conftest import ROOT
from tests.e2e.helpers import free_port

pytestmark = pytest.mark.slow

COPY_IGNORE = shutil.ignore_patterns(".git", "build", "dist", "*.egg-info", "__pycache__", ".pytest_cache", ".venv",
                                     "runs")
SERVE_TIMEOUT = 240.0  # seconds until `glassviz serve` must answer at / (2 shared cores)


def _run(cmd, **kw):
    proc = subprocess.run(cmd, capture_output=True, text=True, **kw)
    assert proc.returncode == 0, f"{' '.join(map(str, cmd))} failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}"
    return proc


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    base = tmp_path_factory.mktemp("wheel")
    src = base / "src"
    shutil.copytree(ROOT, src, ignore=COPY_IGNORE)
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-q",
          "-w", str(base / "dist"), str(src)])
    (path,) = glob.glob(str(base / "dist" / "glassviz-*.whl"))
    print(f"\nwheel {os.path.basename(path)}: {os.path.getsize(path) / 1e6:.2f} MB")
    return path


@pytest.fixture(scope="module")
def venv(wheel, tmp_path_factory):
    """A fresh virtual environment with the wheel installed; (bin folder, environment for commands)."""
    env_dir = tmp_path_factory.mktemp("venv") / "env"
    _run([sys.executable, "-m", "venv", "--without-pip", "--system-site-packages", str(env_dir)])
    # --system-site-packages reaches the base interpreter's packages only; when the tests run in a
    # virtual environment themselves, make its packages visible too (site.addsitedir also reads
    # their .pth files).  The new environment's own site-packages stay first on sys.path.
    (purelib,) = glob.glob(str(env_dir / "lib" / "python*" / "site-packages"))
    parents = [p for p in site.getsitepackages() + [site.getusersitepackages()] if os.path.isdir(p)]
    with open(os.path.join(purelib, "zz_parent_environment.pth"), "w") as fh:
        fh.write("import site; " + "; ".join(f"site.addsitedir({p!r})" for p in parents) + "\n")
    python = str(env_dir / "bin" / "python")
    _run([python, "-m", "pip", "install", "--no-deps", "--no-index", "-q", wheel])
    home = tmp_path_factory.mktemp("home")  # no user models
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env.update(GLASSVIZ_HOME=str(home), PYTHONNOUSERSITE="1")
    return env_dir / "bin", env, purelib


def test_wheel_holds_models_and_demo_but_no_datasets(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    models = {os.path.basename(p) for p in glob.glob(os.path.join(ROOT, "pretrained", "*.safetensors"))}
    for m in models:
        assert f"glassviz/pretrained/{m}" in names
        assert f"glassviz/pretrained/{m.replace('.safetensors', '.json')}" in names
    for f in ("README.md", "ka3d_T0.64_N4096/config_0000.npz", "ka2d_glass_T0.05.dump", "ka2d_liquid_T0.8.dump"):
        assert f"glassviz/demo/{f}" in names
    assert not [n for n in names if "/datasets/" in n or "screenshots" in n or n.endswith(".sh")]
    assert os.path.getsize(wheel) < 20e6  # the datasets alone are ~100 MB


def test_installed_wheel_lists_models_computes_fields_and_serves(venv, tmp_path):
    bindir, env, purelib = venv
    where = _run([str(bindir / "python"), "-c",
                  "import glassviz, glassviz.bundled as b; print(glassviz.__file__); print(b.models_dir()); "
                  "print(b.demo_files()[1])"], cwd=tmp_path, env=env).stdout.split()
    assert all(p.startswith(purelib) for p in where), where
    glass = where[2]

    # every bundled model, from the installed package
    listed = json.loads(_run([str(bindir / "glassviz"), "models", "list", "--json"], cwd=tmp_path, env=env).stdout)
    expected = {os.path.basename(p)[:-12] for p in glob.glob(os.path.join(ROOT, "pretrained", "*.safetensors"))}
    assert {c["name"] for c in listed} == expected
    assert {c["origin"] for c in listed} == {"bundled"}

    # fields on the installed demo: the same numbers as the repository's code, areas summing to the box
    out = tmp_path / "glass.csv"
    _run([str(bindir / "glassviz"), "fields", glass, "--fields", "voronoi_volume", "-o", str(out)],
         cwd=tmp_path, env=env)
    table = pd.read_csv(out)
    import glassviz
    from glassviz.fields import compute_fields

    snap = glassviz.load(os.path.join(ROOT, "assets", "ka2d_glass_T0.05.dump"))
    assert len(table) == snap.n == 2000
    np.testing.assert_allclose(table["voronoi_volume"], compute_fields(snap, ["voronoi_volume"])["voronoi_volume"],
                               rtol=1e-9)
    assert table["voronoi_volume"].sum() == pytest.approx(snap.volume, rel=1e-6)

    # the dashboard on the bundled demo, answering at /
    port = free_port()
    log = open(tmp_path / "serve.log", "w")
    proc = subprocess.Popen([str(bindir / "glassviz"), "serve", "--port", str(port), "--address", "127.0.0.1"],
                            cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT)
    status, body = None, ""
    try:
        start = time.monotonic()
        while time.monotonic() - start < SERVE_TIMEOUT and proc.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=SERVE_TIMEOUT) as resp:
                    status, body = resp.status, resp.read().decode("utf-8", "replace")
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.5)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
    assert status == 200, f"no answer at / (exit {proc.returncode}):\n{(tmp_path / 'serve.log').read_text()[-3000:]}"
    assert "glassviz" in body and "bokeh" in body.lower()
