"""Drawing goes to the document of the session that built the view, on its next tick, merged."""

import threading

import pytest

pytest.importorskip("panel")


class _ServedDocument:
    """What on_document needs of a served Bokeh document: a session and the tick queue."""

    def __init__(self):
        self.session_context = object()
        self.ticks = []

    def add_next_tick_callback(self, callback):
        self.ticks.append(callback)

    def run_ticks(self):
        ticks, self.ticks = self.ticks, []
        for tick in ticks:
            tick()


def _in_thread(fn, doc=None):
    """``fn`` on a fresh thread, as Panel's pool runs a change, with ``doc`` current there."""
    from panel.io.state import set_curdoc

    def target():
        with set_curdoc(doc):
            fn()

    t = threading.Thread(target=target)
    t.start()
    t.join()


def test_a_change_on_another_thread_draws_on_the_owner_document_once_per_tick():
    from panel.io.state import set_curdoc

    from glassviz.app.document import on_document

    owner, other = _ServedDocument(), _ServedDocument()
    calls = []
    with set_curdoc(owner):
        draw = on_document(lambda: calls.append(1))
    # a pool thread that sees another session's document, or none at all
    _in_thread(draw, other)
    _in_thread(draw, None)
    draw()
    assert calls == [] and other.ticks == [] and len(owner.ticks) == 1
    owner.run_ticks()
    assert calls == [1]
    _in_thread(draw, other)
    assert len(owner.ticks) == 1 and other.ticks == []
    owner.run_ticks()
    assert calls == [1, 1]


def test_outside_a_server_session_the_drawing_happens_at_once():
    from glassviz.app.document import on_document

    calls = []
    draw = on_document(lambda: calls.append(1))
    draw()
    draw()
    assert calls == [1, 1]
