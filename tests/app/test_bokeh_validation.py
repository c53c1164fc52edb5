"""No Bokeh validation errors or warnings in the page's models (issue 13: BAD_COLUMN_NAME
``shell``, ``r`` in the large-N mode), checked on a tiled demo snapshot in the rasterised mode."""

import logging

import numpy as np
import pytest

import glassviz
from glassviz.snapshot import tile
from tests.conftest import DEMO_GLASS

pytest.importorskip("panel")


def _issues(app):
    from bokeh.core.validation import check_integrity
    from bokeh.document import Document

    doc = Document()
    root = app.get_root(doc)
    doc.add_root(root)
    issues = check_integrity(list(root.references()))
    return [f"{i.name}: {i.extra}" for i in issues.error + issues.warning], root


@pytest.mark.parametrize("large", [True, False], ids=["rasterised", "discs"])
def test_views_of_a_tiled_snapshot_pass_bokeh_validation(monkeypatch, caplog, large):
    from glassviz.app import state
    from glassviz.app.layout import build

    snap = tile(glassviz.load(DEMO_GLASS), (2, 2))  # N = 8000
    monkeypatch.setattr(state, "LARGE_N", 5000 if large else 10**9)
    app = build([snap])
    s = app.session
    assert s.large is large and s.snapshot.n == 8000
    found, root = _issues(app)
    assert found == []
    with caplog.at_level(logging.WARNING, logger="bokeh"):
        root.document.validate()
    assert [r.getMessage() for r in caplog.records if r.name.startswith("bokeh")] == []

    # the hop shells of an ablation: in the rasterised mode only the particles they reach
    abl = app.views["ablation"]
    shells = np.full(snap.n, -1, dtype=np.int32)
    shells[:50] = np.arange(50) % 7
    s.ablation.shells = shells
    data = abl.shell_source.data
    rows_in_slab = len(s.plane().rows)
    assert len(data["shell"]) == (50 if large else rows_in_slab)
    assert len(data["r"]) == len(data["x"]) == len(data["shell"])
    assert _issues(app)[0] == []
