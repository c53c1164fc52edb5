"""The dashboard's session store, without a browser: what every view reads."""

import io
import os

import numpy as np
import pandas as pd
import pytest

import glassviz
from glassviz.app.state import Session, demo_files
from glassviz.fields import compute_fields
from tests.conftest import DEMO_GLASS, DEMO_LIQUID

DEMO_3D = demo_files()[0]


@pytest.fixture(scope="module")
def demo():
    return Session([DEMO_3D])


@pytest.fixture
def glass():
    return Session([DEMO_GLASS, DEMO_LIQUID])


def test_demo_header_fields_and_horizon(demo):
    h = demo.header()
    assert (h["system"], h["N"], h["dim"], h["T"]) == ("KA3D", 4096, 3, 0.64)
    # the longest stored horizon that has models; every indicator the issue names
    assert demo.time == 16.5
    assert demo.fields == ["propensity", "propensity@botan_ka3d_T0.64_t16.5", "propensity@ntgnn_ka3d_T0.64_t16.5",
                           "edge_change@botan_ka3d_T0.64_t16.5", "attention@attention_ka3d_T4", "voronoi_volume",
                           "tong_tanaka"]
    # a 2D CNN does not fit a 3D snapshot: not offered
    assert not any(f.startswith("gradcam@") for f in demo.available_fields())


def test_time_horizon_swaps_models_and_truth(demo):
    demo.time = 0.5
    try:
        assert "propensity@botan_ka3d_T0.64_t0.5" in demo.fields
        assert "propensity@ntgnn_ka3d_T0.64_t0.5" in demo.fields
        assert demo.ablation_model == "botan_ka3d_T0.64_t0.5"
        truth = glassviz.dynamics.propensity(demo.snapshot, 0.5)
        np.testing.assert_allclose(demo.shown()["propensity"], truth)
        demo.time = 4120.0  # the T = 0.44 BOTAN's horizon: no ground truth stored there
        assert "propensity" not in demo.fields and "propensity@botan_ka3d_T0.44_t4120" in demo.fields
    finally:
        demo.time = 16.5


def test_shown_values_are_the_field_pipeline(glass):
    glass.xi, glass.normalize, glass.one_minus = 3.0, True, ["tong_tanaka"]
    shown = glass.shown()
    ref = compute_fields(glass.snapshot, list(glass.fields), xi=3.0, normalize=True, one_minus=["tong_tanaka"])
    for name in glass.fields:
        np.testing.assert_allclose(shown[name], ref[name], atol=1e-12)
        assert shown[name].min() == pytest.approx(0.0) and shown[name].max() == pytest.approx(1.0)
    assert glass.state("tong_tanaka") == "coarse-grained ξ = 3, normalised, 1 − X"
    assert glass.state("voronoi_volume") == "coarse-grained ξ = 3, normalised"
    glass.xi, glass.normalize = 0.0, False
    assert glass.state("voronoi_volume") == "raw"
    v = glass.values_version
    glass.xi = 1.0
    assert glass.values_version == v + 1


def test_opacity_follows_another_field(glass):
    glass.opacity_field = "voronoi_volume"
    a = glass.alpha()
    v = glass.shown()["voronoi_volume"]
    assert a.min() == pytest.approx(0.05) and a.max() == pytest.approx(1.0)
    assert np.corrcoef(a, v)[0, 1] == pytest.approx(1.0)


def test_selection_species_filter_and_correlations(glass):
    glass.species = "1"
    glass.select_box(-10, 10, -5, 5)
    sel = glass.selection
    pos = glass.snapshot.positions[sel]
    assert len(sel) > 50
    assert np.all((np.abs(pos[:, 0]) <= 10) & (np.abs(pos[:, 1]) <= 5))
    assert np.all(glass.snapshot.labels[sel].astype(str) == "1")
    glass.corr_selection_only = True
    glass.corr_method = "spearman"
    table = glass.correlations()
    from glassviz.analysis.correlation import correlation

    a, b = glass.fields[0], glass.fields[1]
    assert table.loc[a, b] == pytest.approx(correlation(glass.shown()[a][sel], glass.shown()[b][sel], "spearman"))
    glass.clear_selection()
    assert len(glass.selection) == 0


def test_pick_and_particle_info(glass):
    row = 17
    x, y = glass.snapshot.positions[row]
    glass.pick_at(x + 0.05, y - 0.05)
    assert glass.picked == row
    info = glass.particle_info(row)
    assert info["id"] == glass.snapshot.ids[row] and set(glass.fields) <= set(info)


def test_bad_file_keeps_what_was_open(glass, tmp_path):
    bad = tmp_path / "truncated.dump"
    text = open(DEMO_GLASS).read().splitlines()
    bad.write_text("\n".join(text[:200]) + "\n")
    before = glass.snapshot
    assert not glass.open(str(bad))
    assert glass.snapshot is before
    assert glass.message.startswith("error: ") and str(bad) in glass.message and "\n" not in glass.message
    assert not glass.open(str(tmp_path / "missing.dump"))
    assert "no such file" in glass.message


def test_open_switches_file_and_upload(glass, tmp_path):
    assert glass.open(DEMO_LIQUID)
    assert glass.header()["T"] == 0.8 and glass.path.endswith("ka2d_liquid_T0.8.dump")
    glass.upload_dir = str(tmp_path)
    assert glass.open_upload("ka2d_glass_T0.05.dump", open(DEMO_GLASS, "rb").read())
    assert glass.header()["T"] == 0.05 and os.path.exists(tmp_path / "ka2d_glass_T0.05.dump")


def test_two_sessions_do_not_share_state():
    a, b = Session([DEMO_GLASS]), Session([DEMO_GLASS])
    a.select_box(-20, 0, -20, 0)
    a.xi = 2.0
    a.pick_at(0, 0)
    assert len(b.selection) == 0 and b.xi == 0.0 and b.picked is None
    a.open(DEMO_LIQUID)
    assert b.header()["T"] == 0.05


def test_tables(glass, tmp_path):
    csv = pd.read_csv(io.BytesIO(glass.table_bytes(".csv")))
    assert list(csv.columns[:4]) == ["id", "type", "x", "y"] and list(csv.columns[4:]) == glass.fields
    np.testing.assert_allclose(csv[glass.fields[1]], glass.shown()[glass.fields[1]], rtol=1e-9)
    pq = pd.read_parquet(io.BytesIO(glass.table_bytes(".parquet")))
    assert len(pq) == glass.snapshot.n
    xyz = tmp_path / "t.extxyz"
    xyz.write_bytes(glass.table_bytes(".extxyz"))
    assert glassviz.load(str(xyz)).n == glass.snapshot.n


def test_bonds_and_attention_edges(demo):
    bonds = demo.bonds("edge_change@botan_ka3d_T0.64_t16.5")
    rows = set(demo.plane().rows.tolist())
    assert len(bonds["v"]) > 1000
    length = np.hypot(np.subtract(bonds["x1"], bonds["x0"]), np.subtract(bonds["y1"], bonds["y0"]))
    assert length.max() < 2.0  # minimum image, within the graph's cutoff
    demo.picked = sorted(rows)[0]
    edges = demo.attention_edges("attention@attention_ka3d_T4")
    assert len(edges["w"]) > 5
    demo.picked = None


def test_shell_ablation_job_runs_off_thread(demo):
    demo.picked = int(np.flatnonzero(demo.snapshot.species == 0)[5])
    assert demo.start_ablation()
    demo.wait_ablation()
    r = demo.ablation_result
    assert demo.ablation_status == "done" and demo.ablation_progress == 1.0
    assert r["n"] == list(range(1, 8))
    # every shell kept, or nothing stretched beyond the last shell: the full prediction
    assert r["keep"][-1] == pytest.approx(r["full"], abs=1e-5)
    assert r["stretch"][-1] == pytest.approx(r["full"], abs=1e-5)
    assert demo.shells[demo.picked] == 0 and demo.shells.max() >= 5
    demo.picked = None


def test_figure_export_matches_the_command_line(glass, tmp_path):
    from pypdf import PdfReader

    from tests.conftest import run_cli

    glass.xi, glass.normalize = 3.0, True
    a = tmp_path / "dash.pdf"
    glass.export_figure(str(a))
    b = tmp_path / "cli.pdf"
    rc, _, err = run_cli("export", DEMO_GLASS, "--fields", ",".join(glass.fields), "--xi", "3", "--normalize",
                         "-o", b)
    assert rc == 0, err
    pa, pb = PdfReader(str(a)).pages[0], PdfReader(str(b)).pages[0]
    assert (float(pa.mediabox.width), float(pa.mediabox.height)) == (float(pb.mediabox.width),
                                                                      float(pb.mediabox.height))
    assert float(pa.mediabox.width) / 72 == pytest.approx(2.3 * 3)
    assert pa.extract_text() == pb.extract_text()
    text = pa.extract_text()
    for k, name in enumerate(["Grad-CAM", "Voronoi volume", "Tong–Tanaka order"]):
        assert f"({chr(97 + k)})" in text and name in text


def test_export_command_errors_are_one_line(tmp_path):
    from tests.conftest import run_cli

    rc, _, err = run_cli("export", DEMO_GLASS, "--fields", "voronoi_volume", "-o", tmp_path / "f.jpg")
    assert rc == 2 and err.count("\n") == 1 and "unknown figure format" in err
    rc, _, err = run_cli("export", DEMO_GLASS, "--fields", "nope", "-o", tmp_path / "f.pdf")
    assert rc == 2 and "unknown field" in err
    rc, _, err = run_cli("export", DEMO_GLASS, "--fields", "voronoi_volume", "--dpi-typo", "-o", tmp_path / "f.pdf")
    assert rc == 2
    png = tmp_path / "f.png"
    rc, _, err = run_cli("export", DEMO_GLASS, "--fields", "voronoi_volume,tong_tanaka", "-o", png)
    assert rc == 0
    from PIL import Image

    with Image.open(png) as im:
        assert round(im.info["dpi"][0]) == 300


def test_trajectory_frames(tmp_path):
    traj = tmp_path / "two_frames.lammpstrj"
    traj.write_text(open(DEMO_GLASS).read() + open(DEMO_LIQUID).read())
    s = Session([str(traj)])
    assert s.header()["frames"] == 2 and s.files.param.frame.bounds == (0, 1)
    fields = list(s.fields)
    first = s.shown()["voronoi_volume"].copy()
    s.select_box(-5, 5, -5, 5)
    s.frame = 1
    assert s.snapshot.meta["frame"] == 1 and s.fields == fields
    np.testing.assert_allclose(s.snapshot.positions, glassviz.load(DEMO_LIQUID).positions)
    assert not np.allclose(s.shown()["voronoi_volume"], first)
    assert len(s.selection) == 0  # another configuration: the old selection means nothing


def test_store_and_figure_import_no_server_stack():
    import subprocess
    import sys

    code = ("import sys, glassviz.app.state, glassviz.app.figure; "
            "print(','.join(m for m in ('panel', 'bokeh', 'pyvista', 'vtk', 'torch') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == ""


def test_serve_refuses_a_missing_file_in_one_line():
    from tests.conftest import run_cli

    rc, _, err = run_cli("serve", "/nonexistent/run.dump", "--port", "1")
    assert rc == 2 and err.strip() == "glassviz: error: /nonexistent/run.dump: no such file"


def test_ensemble_spread_is_a_field_of_the_dashboard(demo):
    """The bundled BOTAN's ensemble (pretrained/train_ensembles.sh) gives propensity_mean@ and
    propensity_std@ views; its members are not offered one by one."""
    demo.time = 0.5
    try:
        avail = demo.available_fields()
        name = "botan_ka3d_T0.64_t0.5"
        assert f"propensity_std@{name}" in avail and f"propensity_mean@{name}" in avail
        assert not any("_m1" in n for n in avail)
        demo.fields = demo.fields + [f"propensity_std@{name}", f"propensity_mean@{name}"]
        shown = demo.shown()
        want = compute_fields(demo.snapshot, [f"propensity_std@{name}", f"propensity_mean@{name}"])
        np.testing.assert_allclose(shown[f"propensity_std@{name}"], want[f"propensity_std@{name}"], rtol=1e-6)
        np.testing.assert_allclose(shown[f"propensity_mean@{name}"], want[f"propensity_mean@{name}"], rtol=1e-6)
        assert shown[f"propensity_std@{name}"].mean() > 0
        assert demo.field_error(f"propensity_std@{name}") is None
    finally:
        demo.time = 16.5


def test_model_predictions_averaged_over_orientations(demo):
    """The sidebar's orientation choice averages every propensity model's prediction over the
    first K elements of the cubic group, like `--orientations K`; other fields stay as they were."""
    name = "propensity@botan_ka3d_T0.64_t16.5"
    one = demo.shown()[name].copy()
    volume = demo.shown()["voronoi_volume"].copy()
    demo.orientations = 8
    try:
        shown = demo.shown()
        want = compute_fields(demo.snapshot, [name], orientations=8)[name]
        np.testing.assert_allclose(shown[name], want, rtol=1e-6, atol=1e-7)
        assert np.abs(shown[name] - one).max() > 1e-3
        np.testing.assert_array_equal(shown["voronoi_volume"], volume)
        assert "8 orientations" in demo.choice.state(name) and "orientations" not in demo.choice.state("voronoi_volume")
    finally:
        demo.orientations = 1
    np.testing.assert_allclose(demo.shown()[name], one)
