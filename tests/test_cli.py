"""`glassviz fields` per the DESIGN.md contract."""

import io
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

import glassviz
from glassviz.fields import compute_fields
from tests.conftest import BOTAN_FILES, DEMO_GLASS, ROOT, need_shared, run_cli


def test_help_and_version():
    rc, out, _ = run_cli("--version")
    assert rc == 0 and out.strip() == f"glassviz {glassviz.__version__}"
    rc, out, _ = run_cli("fields", "--help")
    assert rc == 0 and "--xi" in out and "--normalize" in out and "--sigma" in out


def test_csv_to_stdout_matches_library():
    rc, out, err = run_cli("fields", DEMO_GLASS, "--fields", "voronoi_volume,tong_tanaka", "--xi", "3",
                           "--normalize", "--one-minus", "tong_tanaka")
    assert rc == 0, err
    assert "KA2D" in err  # the recognised system is reported
    table = pd.read_csv(io.StringIO(out))
    assert list(table.columns) == ["id", "type", "x", "y", "voronoi_volume", "tong_tanaka"]
    snap = glassviz.load(DEMO_GLASS)
    ref = compute_fields(snap, ["voronoi_volume", "tong_tanaka"], xi=3, normalize=True, one_minus=["tong_tanaka"])
    np.testing.assert_array_equal(table["id"], snap.ids)
    np.testing.assert_array_equal(table["type"], snap.labels.astype(int))
    np.testing.assert_allclose(table["tong_tanaka"], ref["tong_tanaka"], rtol=1e-8, atol=1e-9)
    assert table["voronoi_volume"].min() == 0.0 and table["voronoi_volume"].max() == 1.0


def test_parquet_and_extxyz_outputs(tmp_path):
    pq = tmp_path / "f.parquet"
    xyz = tmp_path / "f.extxyz"
    for out in (pq, xyz):
        rc, _, err = run_cli("fields", DEMO_GLASS, "-o", out, "-q")
        assert rc == 0, err
    table = pd.read_parquet(pq)
    assert list(table.columns) == ["id", "type", "x", "y", "voronoi_volume", "coordination", "tong_tanaka"]
    assert table["voronoi_volume"].sum() == pytest.approx(glassviz.load(DEMO_GLASS).volume, rel=1e-6)
    # the extxyz file reads back as the same snapshot, with the fields as per-particle columns
    back = glassviz.load(xyz)
    snap = glassviz.load(DEMO_GLASS)
    np.testing.assert_allclose(back.file_positions, snap.file_positions, atol=1e-8)
    assert back.ids.tolist() == snap.ids.tolist()
    header = xyz.read_text().splitlines()[1]
    assert "tong_tanaka:R:1" in header and 'pbc="T T F"' in header


def test_propensity_field_from_botan_file():
    path = need_shared(BOTAN_FILES[0])
    rc, out, err = run_cli("fields", path, "--fields", "propensity", "--time", "4120", "-q")
    assert rc == 0, err
    table = pd.read_csv(io.StringIO(out))
    assert list(table.columns) == ["id", "type", "x", "y", "z", "propensity"]
    assert 0.37 < table.loc[table["type"] == 0, "propensity"].mean() < 0.70
    rc, _, err = run_cli("fields", path, "--fields", "propensity", "--time", "13")
    assert rc == 2 and "no stored time 13" in err


def test_fields_path_imports_no_torch_or_panel():
    code = ("import sys, glassviz.cli as c; c.main(['fields', %r, '-o', '-', '-q']); "
            "bad = [m for m in ('torch', 'panel', 'bokeh', 'pyvista', 'holoviews') if m in sys.modules]; "
            "sys.stderr.write('HEAVY:' + ','.join(bad))") % DEMO_GLASS
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.strip().endswith("HEAVY:")
