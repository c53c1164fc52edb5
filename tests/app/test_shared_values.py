"""Model fields are computed once per configuration and server: shared, bounded, read-only."""

import threading
import time

import numpy as np
import pytest

import glassviz
from glassviz.app.shared_values import VALUES, SharedValues, content_key
from tests.conftest import DEMO_GLASS


def test_content_key_follows_the_configuration_not_the_file():
    a, b = glassviz.load(DEMO_GLASS), glassviz.load(DEMO_GLASS)
    assert content_key(a) == content_key(b)
    b.positions[7, 1] = np.nextafter(b.positions[7, 1], np.inf)  # one ulp of one coordinate
    assert content_key(a) != content_key(b)
    c = glassviz.load(DEMO_GLASS)
    c.species[[0, 1]] = c.species[[1, 0]]
    assert content_key(a) != content_key(c) or c.species[0] == c.species[1]


def test_simultaneous_requests_compute_once_and_get_the_same_array():
    store, calls = SharedValues(), []

    def compute():
        calls.append(1)
        time.sleep(0.2)
        return np.arange(5.0)

    got = [None] * 6
    threads = [threading.Thread(target=lambda k=k: got.__setitem__(k, store.get("k", compute))) for k in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1 and all(g is got[0] for g in got)
    assert not got[0].flags.writeable
    with pytest.raises(ValueError):
        got[0][0] = 1.0


def test_a_failure_reaches_every_waiter_and_is_not_kept():
    store, calls = SharedValues(), []

    def fail():
        calls.append(1)
        time.sleep(0.1)
        raise RuntimeError("no model for this system")

    errors = []

    def ask():
        try:
            store.get("bad", fail)
        except RuntimeError as exc:
            errors.append(str(exc))

    threads = [threading.Thread(target=ask) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == ["no model for this system"] * 3 and len(calls) == 1
    with pytest.raises(RuntimeError):
        store.get("bad", fail)
    assert len(calls) == 2 and len(store) == 0


def test_bounded_in_bytes_least_recently_used_first():
    store = SharedValues(max_bytes=3 * 800)
    for k in range(3):
        store.get(k, lambda: np.zeros(100))
    store.get(0, lambda: pytest.fail("recomputed"))  # 0 is now the most recent
    store.get(3, lambda: np.zeros(100))
    assert len(store) == 3 and store.nbytes == 2400
    assert store.get(0, lambda: np.ones(100))[0] == 0.0  # kept
    assert store.get(1, lambda: np.ones(100))[0] == 1.0  # evicted, computed again


def test_a_second_session_reads_the_first_sessions_model_fields():
    from glassviz.app.state import Session

    first = Session([DEMO_GLASS])
    models = [n for n in first.choice.fields if "@" in n]
    assert models, first.choice.fields
    values = first.values.shown()
    misses = VALUES.misses
    second = Session([DEMO_GLASS])
    again = second.values.shown()
    assert VALUES.misses == misses
    for n in models:
        assert second.values.raw(n) is first.values.raw(n)
        np.testing.assert_array_equal(again[n], values[n])


def test_predictions_with_their_edges_are_shared_read_only():
    from glassviz.app.state import Session, demo_files

    first, second = Session(demo_files()[:1]), Session(demo_files()[:1])
    model = next(n for n in first.choice.fields if n.startswith("edge_change@")).split("@")[1]
    a, b = first.values.prediction(model), second.values.prediction(model)
    assert a is b and a.edges is not None and not a.edges.flags.writeable
    assert len(first.bonds(f"edge_change@{model}")["v"]) > 0
