"""Assembles the dashboard of one browser session (and nothing else): header, controls, the 2D
grid and the 3D scene, and the compare / shell-ablation / export tabs.  Every session builds its
own store and views here, so two sessions never share files, selections or jobs."""

from __future__ import annotations

import tempfile

import panel as pn

from glassviz.app.state import Session, demo_files

CSS = """
.gv-title { font-size: 13px; }
.gv-state, .gv-note { font-size: 11px; color: #555; }
.gv-header { font-size: 14px; }
.gv-message { color: #b00020; font-size: 12px; }
"""


def build(files=None) -> pn.viewable.Viewable:
    """The dashboard for one session, on ``files`` (the bundled demo when none)."""
    from glassviz.app.ablation_view import AblationPanel
    from glassviz.app.batch_view import BatchPanel
    from glassviz.app.compare import ComparePanel
    from glassviz.app.controls import (
        display_controls,
        file_controls,
        header,
        message,
        size_controls,
    )
    from glassviz.app.export_view import export_panel
    from glassviz.app.view3d import Scene3D
    from glassviz.app.views2d import FieldGrid

    pn.extension("vtk", raw_css=[CSS], notifications=False)
    upload_dir = tempfile.mkdtemp(prefix="glassviz-session-")
    session = Session(files or demo_files(), upload_dir=upload_dir)
    grid = FieldGrid(session=session)
    scene = Scene3D(session=session)
    compare = ComparePanel(session=session)
    ablation = AblationPanel(session=session, grid=grid)
    batch = BatchPanel(session=session)
    sidebar = pn.Column(pn.pane.HTML("<h2 style='margin:4px 0'>glassviz</h2>"), file_controls(session),
                        display_controls(session), size_controls(session), width=330, css_classes=["gv-sidebar"])
    main = pn.Column(header(session), message(session), pn.Row(grid.layout, scene.panel),
                     # dynamic: a tab's content reaches the browser when the tab is opened (the four
                     # together were ~3 s of a visit's drawing)
                     pn.Tabs(compare.panel, ablation.panel, batch.__panel__(), export_panel(session),
                             dynamic=True),
                     sizing_mode="stretch_width")
    root = pn.Row(sidebar, main, sizing_mode="stretch_width", css_classes=["gv-root"])
    root.session = session  # for tests and benchmarks (in-process)
    root.views = dict(grid=grid, scene=scene, compare=compare, ablation=ablation, batch=batch)
    return root


def close(root) -> None:
    """End the dashboard ``root`` (from :func:`build`): stop its batch job and free its store
    (:meth:`Session.close`) and the 3D scene's render window (:meth:`Scene3D.close`)."""
    root.views["batch"].stop()
    root.views["scene"].close()
    root.session.close()

