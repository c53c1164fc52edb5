"""The page one browser session gets from ``glassviz serve``: the dashboard of
:func:`glassviz.app.layout.build`, built after the browser has connected and closed with the
session.

* The first answer is a light page (a "loading" line); the dashboard is built in Panel's
  ``onload``, on a thread of Panel's pool when the server has one (``--num-threads``), so the
  server keeps answering while it is built.  Builds take turns (see ``_build_lock``).
* The store gets the server's limits: the data roots "open by path" may reach and the upload
  size.
* A dashboard that cannot be built shows one line in its own page; other sessions go on.
* When the session is destroyed its batch job stops and the store is closed
  (:func:`glassviz.app.layout.close`) and freed memory
  goes back to the system; nothing outside the session's document keeps a reference to it.
"""

from __future__ import annotations

import html
import logging
import threading
import time

import panel as pn

log = logging.getLogger(__name__)

_warm_lock = threading.Lock()
_warmed = False


def warm_imports() -> None:
    """Import the model stack and the 3D view (torch, vtk) and load the compiled Voronoi code
    once per process, so that page
    builds find them loaded.  The server runs it on a background thread once it listens; every
    page build calls it first and so waits for it.  Builds on several threads must not import
    these side by side: PyVista loads its plotting module on the first attribute access, and a
    second thread then sees it half-initialised ("module 'pyvista' has no attribute 'Plotter'")."""
    global _warmed
    with _warm_lock:
        if _warmed:
            return
        import pyvista

        pyvista.Plotter  # noqa: B018 - loads pyvista.plotting now, under the lock

        import glassviz.app.view3d
        import glassviz.fields.models  # noqa: F401
        from glassviz.structure.voronoi_cells import warm

        warm()

        _warmed = True


# one page build at a time: with four builds side by side one in four failed with a bare
# AssertionError inside the dashboard's construction (not yet traced); a build runs on a pool
# thread, so the server keeps answering and other sessions' events go on meanwhile
_build_lock = threading.Lock()

LOADING = "<div class='gv-loading'>glassviz: reading the snapshots and computing the fields…</div>"


def session_page(files, roots, max_upload_bytes: int | None) -> pn.viewable.Viewable:
    """The page of one session on ``files`` (the bundled demo when empty); ``roots`` a
    :class:`~glassviz.app.roots.DataRoots`, ``max_upload_bytes`` the upload limit (None: none)."""
    from glassviz.app.layout import CSS

    # the extension's scripts (vtk.js) must be in the first answer: the dashboard comes later
    pn.extension("vtk", raw_css=[CSS], notifications=False)
    # the page's root row gets the dashboard's sidebar and main column (inserted into another
    # container, Bokeh left the 2D views' plot frames at zero size)
    holder = pn.Row(pn.pane.HTML(LOADING), sizing_mode="stretch_width", css_classes=["gv-root"])
    holder.dashboard = None  # the built dashboard (its .session is the store), for tests
    # what the page holds, dropped when the session ends (the callbacks close over this dict)
    live = {"root": None, "closed": False}
    tag = f"{id(holder):x}"  # names this session in the server log

    def fill():
        from glassviz.app.layout import build, close

        try:
            warm_imports()
            with _build_lock:
                # one line at the start and the end of each build, with the thread it runs on
                start = time.perf_counter()
                log.info("session %s: building the dashboard (%s)", tag, threading.current_thread().name)
                root = build(list(files) or None)
        except Exception as exc:  # this page shows one line; other sessions go on
            # one line on the page; the traceback in the server's log, for whoever runs it
            log.warning("a session could not be built: %s: %s", exc.__class__.__name__, exc, exc_info=True)
            holder.objects = [pn.pane.HTML(f"<div class='gv-message gv-error'>error: "
                                           f"{html.escape(f'{exc.__class__.__name__}: {exc}')}</div>")]
            return
        session = root.session
        session.roots, session.max_upload_bytes = roots, max_upload_bytes
        if live["closed"]:  # the visitor left while the page was being built
            close(root)
            return
        live["root"] = root
        holder.dashboard = root
        holder.objects = list(root.objects)
        log.info("session %s: dashboard built in %.1f s", tag, time.perf_counter() - start)

    def destroyed(_context):
        from glassviz.app.layout import close
        from glassviz.memory import release_memory

        live["closed"] = True
        root, live["root"] = live["root"], None
        if root is not None:
            close(root)
        holder.objects, holder.dashboard = [], None
        release_memory()
        log.info("session %s: closed", tag)

    pn.state.on_session_destroyed(destroyed)
    # with a thread pool (--num-threads) Panel already runs the onload callbacks on a pool
    # thread; threaded=True would fail without one (panel serve app.py, a notebook)
    pn.state.onload(fill)
    return holder
