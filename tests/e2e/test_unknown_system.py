"""A 2D 3-species file of a system glassviz does not recognise, in a real browser: the page
opens with Voronoi drawn and Θ asking for particle sizes in its own view; after σ is entered in
the sidebar, Θ is drawn (issue 13)."""

from __future__ import annotations

import io
import subprocess

import numpy as np
import pytest

from tests.e2e.helpers import Page, start_server
from tests.helpers import unknown_ternary_2d

pytestmark = pytest.mark.slow

SIGMA = "AA=1,AB=0.9,AC=0.95,BB=0.8,BC=0.85,CC=0.9"


def _std(png: bytes) -> float:
    from PIL import Image

    return float(np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=np.int16).std())


@pytest.fixture
def ternary_server(tmp_path):
    from glassviz.io.tables import extxyz_text

    path = tmp_path / "ternary_unknown.extxyz"
    path.write_text(extxyz_text(unknown_ternary_2d(), {}))
    proc, url = start_server([str(path)])
    yield url
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


def test_unknown_ternary_file_opens_and_theta_is_drawn_after_sigma(ternary_server, browser, shots):
    p = Page(browser, ternary_server)
    pg = p.page
    try:
        assert "unknown" in p.texts(".gv-headline")[0]
        titles = p.texts(".gv-view2d .gv-title")
        assert any("Voronoi" in t for t in titles) and any("Tong–Tanaka" in t for t in titles), titles
        k_vor = next(k for k, t in enumerate(titles) if "Voronoi" in t)
        k_theta = next(k for k, t in enumerate(titles) if "Tong–Tanaka" in t)
        assert _std(p.view_png(k_vor)) > 10, "the Voronoi view looks blank"
        reason = p.texts(".gv-field-error")
        assert len(reason) == 1 and "--sigma" in reason[0] and "unrecognised system" in reason[0], reason
        before = _std(p.view_png(k_theta))

        box = pg.locator(".gv-sigma input")
        box.fill(SIGMA)
        box.press("Enter")
        p.wait_text(".gv-field-error", lambda texts: texts == [], timeout=120)
        p.wait_text(".gv-view2d .gv-state", lambda texts: len(texts) == 2, timeout=60)
        after = _std(p.view_png(k_theta))
        assert after > 10 and after > before + 5, (before, after)
        pg.screenshot(path=f"{shots}/dashboard_unknown_ternary_sigma.png")
        assert p.errors == [], p.errors
    finally:
        p.close()
