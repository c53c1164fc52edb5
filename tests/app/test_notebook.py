"""glassviz.Dashboard: the dashboard for Jupyter notebooks and ``.servable()`` scripts."""

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request

import numpy as np
import pytest

import glassviz
from glassviz.errors import GlassvizError, InputError
from tests.conftest import DEMO_GLASS, DEMO_LIQUID, ROOT

pytest.importorskip("panel")


def test_import_glassviz_does_not_import_panel_until_dashboard_is_asked_for():
    code = ("import sys, glassviz; before = 'panel' in sys.modules; glassviz.Dashboard; "
            "print(before, 'panel' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                         env={**os.environ, "PYTHONPATH": ROOT})
    assert out.stdout.split() == ["False", "True"], out.stderr
    with pytest.raises(AttributeError, match="no attribute 'Dashbord'"):
        glassviz.Dashbord  # noqa: B018


def test_dashboard_on_an_in_memory_snapshot_and_a_path():
    snap = glassviz.load(DEMO_GLASS)
    dash = glassviz.Dashboard([snap, DEMO_LIQUID], fields=["voronoi_volume", "tong_tanaka"])
    s = dash.session
    label = "in memory #1: ka2d_glass_T0.05.dump"
    assert s.files.param.path.objects == [label, os.path.abspath(DEMO_LIQUID)] and s.path == label
    assert s.snapshot is snap and s.fields == ["voronoi_volume", "tong_tanaka"]
    # what the views show of the in-memory snapshot is what compute_fields gives for the file
    from glassviz.fields import compute_fields

    s.xi = 3.0
    expected = compute_fields(glassviz.load(DEMO_GLASS), ["voronoi_volume"], xi=3.0)["voronoi_volume"]
    np.testing.assert_allclose(s.shown()["voronoi_volume"], expected, rtol=1e-12)
    s.path = os.path.abspath(DEMO_LIQUID)
    assert s.snapshot.source == os.path.abspath(DEMO_LIQUID) and s.message == ""
    s.path = label
    assert s.snapshot is snap  # the same object, not a copy read back from a file
    assert dash.__panel__() is dash.__panel__()  # one page per Dashboard
    with pytest.raises(GlassvizError, match="field\\(s\\) nope not offered for this snapshot; offered: "):
        dash.show_fields(["nope"])


def test_a_bad_first_source_is_one_line_in_the_cell(tmp_path):
    bad = tmp_path / "bad.dump"
    bad.write_text("not a dump\n")
    with pytest.raises(InputError, match="bad.dump: not a LAMMPS dump"):
        glassviz.Dashboard(str(bad))
    with pytest.raises(InputError, match="no such file"):
        glassviz.Dashboard([str(tmp_path / "missing.dump")])


@pytest.mark.slow
def test_example_notebook_runs_and_shows_the_dashboard_inline(executed_notebook):
    cells = [c for c in executed_notebook.cells if c.cell_type == "code"]
    text = "".join(o.get("text", "") for c in cells for o in c.outputs if o.output_type == "stream")
    assert "sum of Voronoi areas" in text
    (dash_cell,) = [c for c in cells if "glassviz.Dashboard(" in c.source]
    shown = [o for o in dash_cell.outputs if o.output_type == "execute_result"]
    assert len(shown) == 1
    data = shown[0].data
    # Panel's inline output: an executable Bokeh document holding the dashboard's page
    assert "application/vnd.holoviews_exec.v0+json" in data
    assert "gv-root" in data["text/html"] and "ka2d_glass_T0.05.dump" in data["text/html"]
    errors = [o for c in cells for o in c.outputs if o.output_type == "error"]
    assert not errors


@pytest.mark.slow
def test_servable_under_panel_serve(tmp_path):
    from tests.e2e.helpers import free_port

    script = tmp_path / "app.py"
    script.write_text("import glassviz\n"
                      f"glassviz.Dashboard({DEMO_GLASS!r}, fields=['voronoi_volume']).servable(title='gv notebook')\n")
    port = free_port()
    log = open(tmp_path / "serve.log", "w")
    proc = subprocess.Popen([sys.executable, "-m", "panel", "serve", str(script), "--port", str(port), "--address",
                             "127.0.0.1", "--allow-websocket-origin", f"127.0.0.1:{port}"],
                            cwd=tmp_path, env={**os.environ, "PYTHONPATH": ROOT}, stdout=log, stderr=subprocess.STDOUT)
    body = ""
    try:
        start = time.monotonic()
        while time.monotonic() - start < 240 and proc.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/app", timeout=240) as resp:
                    assert resp.status == 200
                    body = resp.read().decode()
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
    # the title reaches the page only through .servable(title=...) adding the Dashboard to the session
    assert "<title>gv notebook</title>" in body, (tmp_path / "serve.log").read_text()[-3000:]
