"""A session's end frees what it held: caches, job, uploads and temp folder; nothing global keeps
the store alive; uploads over the limit are refused in one line."""

import gc
import os
import weakref

import pytest

from tests.conftest import DEMO_GLASS, DEMO_LIQUID

pytest.importorskip("panel")


def _upload_bytes():
    with open(DEMO_LIQUID, "rb") as fh:
        return fh.read()


def test_close_frees_caches_job_and_upload_folder():
    from glassviz.app.layout import build, close

    app = build([DEMO_GLASS])
    s = app.session
    upload_dir = s.upload_dir
    assert upload_dir and os.path.isdir(upload_dir)
    assert s.open_upload("liquid.dump", _upload_bytes())
    assert os.path.isfile(os.path.join(upload_dir, "liquid.dump"))
    assert s.open(s.snapshot)  # an in-memory source
    s.shown()
    s.plane()
    v = s.values
    assert v._raw and v._shown and v._ctx.cache is not None and s.files._objects and s.display._plane is not None
    close(app)
    assert not os.path.exists(upload_dir) and s.upload_dir is None
    assert s.snapshot is None and v._raw == {} and v._shown == {} and v._ctx is None
    assert s.files._objects == {} and s.display._plane is None and s.ablation.job is None


def test_upload_over_the_limit_is_refused_in_one_line():
    from glassviz.app.state import Session

    s = Session([DEMO_GLASS])
    data = _upload_bytes()
    s.max_upload_bytes = len(data) - 1
    try:
        assert s.open_upload("liquid.dump", data) is False
        assert s.message.startswith("error: liquid.dump: ") and "upload limit" in s.message
        assert "\n" not in s.message
        assert not os.listdir(s.upload_dir) if s.upload_dir else True
        s.max_upload_bytes = len(data)
        assert s.open_upload("liquid.dump", data) is True
        assert s.open_upload("..", data) is False and s.message == "error: '..': not a file name"
    finally:
        s.close()


def test_destroyed_session_is_collected():
    """The page of one session, on a Bokeh document as the server makes it: after the
    session-destroyed callbacks ran, no reference to its store is left."""
    import panel as pn
    from bokeh.document import Document
    from panel.io.document import _cleanup_doc
    from panel.io.state import set_curdoc

    from glassviz.app.page import session_page
    from glassviz.app.roots import DataRoots

    doc = Document()
    with set_curdoc(doc):
        page = session_page([DEMO_GLASS], DataRoots([os.path.dirname(DEMO_GLASS)]), 2**20)
        page.server_doc(doc)
        pn.state._on_load(doc)  # what Panel runs once the browser has connected
    from pyvista.plotting.plotter import _ALL_PLOTTERS

    session = page.dashboard.session
    assert session.roots is not None and session.max_upload_bytes == 2**20
    upload_dir, ref = session.upload_dir, weakref.ref(session)
    # PyVista's registry holds every plotter, render window and all, until it is closed
    plotter = page.dashboard.views["scene"].plotter
    assert plotter in _ALL_PLOTTERS.values()
    scene = weakref.ref(page.dashboard.views["scene"])
    del session
    _cleanup_doc(doc, destroy=True)  # what Panel does when the server destroys the session
    assert not os.path.exists(upload_dir)
    assert page.objects == [] and page.dashboard is None
    assert plotter not in _ALL_PLOTTERS.values() and plotter.render_window is None
    del page, doc, plotter
    gc.collect()
    assert ref() is None, [type(r).__name__ for r in gc.get_referrers(ref())][:10]
    assert scene() is None, [type(r).__name__ for r in gc.get_referrers(scene())][:10]
