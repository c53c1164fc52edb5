"""Changes to the page's Bokeh models happen on the session's document tick, under its lock.

With a thread pool (``glassviz serve --num-threads``) Panel handles a widget's change on a pool
thread with the document unlocked.  Panel defers its own model updates there, but a store
watcher that then changes a Bokeh model directly (a view's ``ColumnDataSource``, a title, a new
figure) makes Bokeh raise "_pending_writes should be non-None when we have a document lock" and
the change never reaches the browser.  Every view therefore draws through :func:`on_document`:
the work a change starts (reading files, computing fields) still runs where the change arrived,
and only the drawing goes to the event loop.
"""

from __future__ import annotations

import panel as pn


def on_document(fn):
    """``fn`` wrapped so that each call runs it on the page's next tick, under the document
    lock, at most once per tick: calls made while one is pending are merged into it (every
    wrapped function draws from the session's current state, so the last state is drawn).
    Outside a server session (tests, benchmarks, a notebook) ``fn`` runs at once."""
    pending = []
    # the session's document when wrapped during its page build: a call arriving on a pool
    # thread (--num-threads) may see no current document, or not this one
    owner = pn.state.curdoc

    def run(*_):
        doc = owner if getattr(owner, "session_context", None) is not None else pn.state.curdoc
        if doc is None or getattr(doc, "session_context", None) is None:
            fn()
            return
        if pending:
            return
        pending.append(True)

        def tick():
            pending.clear()
            fn()

        doc.add_next_tick_callback(tick)

    return run
