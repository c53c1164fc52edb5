"""The file's own columns and the Batch tab in a real browser (issue 12): a LAMMPS dump with
``c_pe`` and ``v_foo`` columns shows them as views, and the Batch tab correlates them over the
frames while the page keeps answering."""

from __future__ import annotations

import os
import subprocess

import pytest

from tests.app.test_batch_view import write_columns_dump
from tests.e2e.helpers import Page, start_server

pytestmark = pytest.mark.slow


def test_columns_are_views_and_the_batch_tab_runs(browser, shots, tmp_path):
    dump = tmp_path / "columns.dump"
    write_columns_dump(dump)
    proc, url = start_server([str(dump)])
    try:
        p = Page(browser, url)
        titles = p.texts(".gv-title")
        assert any("c_pe" in t and "column of the file" in t for t in titles), titles
        assert any("v_foo" in t for t in titles), titles
        p.page.get_by_text("Batch", exact=True).click()
        p.page.locator(".gv-batch-run button").click()
        status = p.wait_text(".gv-batch-status .gv-status", lambda t: t and "done" in t[0], timeout=240)
        assert "done: 1 snapshot" in status[0]
        p.page.locator(".gv-batch-figure img").wait_for(timeout=60_000)
        assert "species" in p.texts(".gv-batch-note")[0] or "particles" in p.texts(".gv-batch-note")[0]
        table = " ".join(p.texts(".gv-batch-table"))
        assert "c_pe" in table and "mean ± std" in table
        p.page.screenshot(path=os.path.join(shots, "dashboard_batch_tab.png"))
        assert p.errors == [], p.errors
        p.close()
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
