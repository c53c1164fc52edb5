"""The dashboard in a real browser (issue 6 acceptance): render, open a file, ξ, linked
selection, picking and shell ablation, PDF export, and two sessions kept apart."""

from __future__ import annotations

import io
import os

import numpy as np
import pytest

from glassviz.bundled import demo_dir
from tests.e2e.helpers import Page

pytestmark = pytest.mark.slow

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# the demo's 2D glass where the installed package has it: under the server's data roots
GLASS_2D = str(demo_dir() / "ka2d_glass_T0.05.dump")


def _png(data: bytes) -> np.ndarray:
    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"), dtype=np.int16)


def _count(text: str) -> int:
    return int(text.split()[0])


def test_demo_renders_every_view_without_console_errors(server, browser, shots):
    p = Page(browser, server)
    try:
        header = p.texts(".gv-headline")[0]
        assert "KA3D" in header and "4096" in header and "3D" in header and "0.64" in header
        titles = p.texts(".gv-title")
        # ground truth, both networks, BOTAN bonds, attention, Voronoi, Theta, and the 3D scene
        for want in ("propensity (ensemble), t = 16.5", "botan_ka3d_T0.64_t16.5", "ntgnn_ka3d_T0.64_t16.5",
                     "pair-distance change", "attention received", "Voronoi volume", "Tong–Tanaka", "3D"):
            assert any(want in t for t in titles), (want, titles)
        n_views = p.page.locator(".gv-view2d").count()
        assert n_views == 7
        for k in range(n_views):
            img = _png(p.canvas(k).screenshot())
            assert img.std() > 10, f"2D view {k} looks blank"
        scene = _png(p.page.locator(".gv-3d canvas").first.screenshot())
        assert scene.std() > 10, "the 3D scene looks blank"
        p.page.screenshot(path=os.path.join(shots, "dashboard_ka3d_demo.png"))
        assert p.errors == [], p.errors
    finally:
        p.close()


def _box_select(p: Page) -> list[str]:
    """Drag a box in view 0 and wait until every view counts the selection.  Under load the
    headless browser has once lost the whole drag (no selection event reached the server, no
    error anywhere), so a drag that selects nothing within 30 s is made once more."""
    for attempt in range(2):
        p.drag(0, 0.2, 0.2, 0.6, 0.6)
        try:
            return p.wait_text(".gv-selcount", lambda t: t and all(_count(x) > 0 for x in t), timeout=30)
        except AssertionError:
            if attempt:
                raise
    raise AssertionError("unreachable")


def test_xi_selection_pick_ablation_and_pdf_export(server, browser, shots, tmp_path):
    from pypdf import PdfReader

    p = Page(browser, server)
    pg = p.page
    try:
        # xi: the colours of a view change
        before = _png(p.view_png(0))
        handle = pg.locator(".gv-xi .noUi-handle").first
        handle.focus()
        for _ in range(6):  # 6 steps of 0.5: xi = 3
            pg.keyboard.press("ArrowRight")
        # each step redraws 7 canvases and the 3D scene in software GL: minutes on a busy machine
        p.wait_text(".gv-view2d .gv-state", lambda t: all("coarse-grained ξ = 3" in x for x in t), timeout=300)
        pg.wait_for_timeout(1500)
        after = _png(p.view_png(0))
        assert np.abs(after - before).mean() > 2.0
        # box selection in view 0 shows its count in every other view and in 3D
        counts = _box_select(p)
        assert len(set(counts)) == 1 and _count(counts[0]) > 10
        pg.screenshot(path=os.path.join(shots, "dashboard_selection_xi3.png"))
        # pick a particle in another view; run its shell ablation to completion
        p.click_view(1, 0.8, 0.85)
        pg.get_by_text("Shell ablation", exact=True).click()
        p.wait_text(".gv-picked-id", lambda t: t and "picked particle id" in t[0])
        pg.locator(".gv-ablate button").click()
        p.wait_text(".gv-status", lambda t: t and t[0].strip() == "done", timeout=240)
        assert pg.locator(".gv-ablation canvas").count() >= 2
        pg.screenshot(path=os.path.join(shots, "dashboard_shell_ablation.png"))
        # export the chosen panels as a PDF
        pg.get_by_text("Export", exact=True).click()
        with pg.expect_download(timeout=120_000) as dl:
            pg.locator(".gv-export-figure button").click()
        path = tmp_path / "figure.pdf"
        dl.value.save_as(path)
        reader = PdfReader(str(path))
        assert len(reader.pages) == 1
        box = reader.pages[0].mediabox
        width_in, height_in = float(box.width) / 72, float(box.height) / 72
        n_fields = len([t for t in p.texts(".gv-title") if not t.startswith("3D")])
        ncol = min(3, n_fields)
        assert width_in == pytest.approx(2.3 * ncol, abs=0.01)
        nrow = -(-n_fields // ncol)
        assert height_in == pytest.approx((0.8 * 2.3 + 0.55) * nrow + 0.2, abs=0.01)  # square panels
        text = reader.pages[0].extract_text()
        for k in range(n_fields):
            assert f"({chr(97 + k)})" in text
        for want in ("Voronoi volume", "Tong–Tanaka order", "botan_ka3d_T0.64_t16.5", "coarse-grained ξ = 3"):
            assert want in text, want
        assert p.errors == [], p.errors
    finally:
        p.close()


def test_open_another_file_and_two_sessions_stay_apart(server, browser, shots):
    a = Page(browser, server)
    b = Page(browser, server)
    try:
        a.drag(0, 0.1, 0.1, 0.7, 0.7)
        a.wait_text(".gv-selcount", lambda t: _count(t[0]) > 0)
        a.page.wait_for_timeout(1000)
        assert all(_count(t) == 0 for t in b.texts(".gv-selcount"))
        a.page.locator(".gv-path input").fill(GLASS_2D)
        a.page.locator(".gv-open button").click()
        a.wait_text(".gv-headline", lambda t: "N = 2000" in t[0] and "2D" in t[0], timeout=120)
        # the views are rebuilt on a later tick than the headline
        a.wait_text(".gv-title", lambda t: any("Grad-CAM" in x for x in t), timeout=120)
        a.wait_rendered()
        assert not any(t.startswith("3D") for t in a.texts(".gv-title") if a.page.locator(".gv-3d").is_visible())
        a.page.screenshot(path=os.path.join(shots, "dashboard_ka2d_gradcam.png"))
        header_b = b.texts(".gv-headline")[0]
        assert "KA3D" in header_b and "4096" in header_b
        assert all(_count(t) == 0 for t in b.texts(".gv-selcount"))
        assert a.errors == [] and b.errors == [], (a.errors, b.errors)
    finally:
        a.close()
        b.close()
