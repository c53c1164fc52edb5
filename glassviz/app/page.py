"""The page one browser session gets from ``glassviz serve``: the dashboard of
:func:`glassviz.app.layout.build`, built after the browser has connected and closed with the
session.

* The first answer is a light page (a "loading" line); the dashboard is built in Panel's
  ``onload``, on a thread of Panel's pool when the server has one (``--num-threads``), so
  visitors arriving together are built side by side and none waits for another's page.
* The store gets the server's limits: the data roots "open by path" may reach and the upload
  size.
* A dashboard that cannot be built shows one line in its own page; other sessions go on.
* When the session is destroyed the store is closed (:meth:`Session.close`) and freed memory
  goes back to the system; nothing outside the session's document keeps a reference to it.
"""

from __future__ import annotations

import html
import logging

import panel as pn

log = logging.getLogger(__name__)

LOADING = "<div class='gv-loading'>glassviz: reading the snapshots and computing the fields…</div>"


def session_page(files, roots, max_upload_bytes: int | None) -> pn.viewable.Viewable:
    """The page of one session on ``files`` (the bundled demo when empty); ``roots`` a
    :class:`~glassviz.app.roots.DataRoots`, ``max_upload_bytes`` the upload limit (None: none)."""
    from glassviz.app.layout import CSS

    # the extension's scripts (vtk.js) must be in the first answer: the dashboard comes later
    pn.extension("vtk", raw_css=[CSS], notifications=False)
    holder = pn.Column(pn.pane.HTML(LOADING), sizing_mode="stretch_width", css_classes=["gv-page"])
    # what the page holds, dropped when the session ends (the callbacks close over this dict)
    live = {"session": None, "closed": False}

    def fill():
        from glassviz.app.layout import build

        try:
            root = build(list(files) or None)
        except Exception as exc:  # noqa: BLE001 - this page shows one line; other sessions go on
            log.warning("a session could not be built: %s: %s", exc.__class__.__name__, exc)
            holder.objects = [pn.pane.HTML(f"<div class='gv-message gv-error'>error: "
                                           f"{html.escape(f'{exc.__class__.__name__}: {exc}')}</div>")]
            return
        session = root.session
        session.roots, session.max_upload_bytes = roots, max_upload_bytes
        if live["closed"]:  # the visitor left while the page was being built
            session.close()
            return
        live["session"] = session
        holder.objects = [root]

    def destroyed(_context):
        from glassviz.app.server import release_memory

        live["closed"] = True
        session, live["session"] = live["session"], None
        if session is not None:
            session.close()
        holder.objects = []
        release_memory()

    pn.state.on_session_destroyed(destroyed)
    pn.state.onload(fill, threaded=True)
    return holder
