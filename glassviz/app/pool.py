"""The dashboard's bounded worker pool: long work (the shell ablation) runs here, off the page's
event loop, and never more of it at once than the pool has workers, whatever the number of
sessions.  One pool per server process; ``glassviz serve --num-threads N`` sizes it.

The pool holds no reference to a session once a task has finished (the task's own object
does, and it is dropped with the future).
"""

from __future__ import annotations

import threading
from concurrent.futures import Future, ThreadPoolExecutor

DEFAULT_WORKERS = 2

_lock = threading.Lock()
_pool: ThreadPoolExecutor | None = None
_workers = DEFAULT_WORKERS


def configure(workers: int) -> None:
    """Size of the pool (workers >= 1); a running pool is replaced once its tasks finish."""
    global _pool, _workers
    if workers < 1:
        raise ValueError(f"the worker pool needs at least one worker, not {workers}")
    with _lock:
        _workers = int(workers)
        old, _pool = _pool, None
    if old is not None:
        old.shutdown(wait=False)


def workers() -> int:
    return _workers


def submit(fn, *args, **kwargs) -> Future:
    """Run ``fn(*args, **kwargs)`` on a pool worker; the future holds its result or error."""
    global _pool
    with _lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=_workers, thread_name_prefix="glassviz-worker")
        pool = _pool
    return pool.submit(fn, *args, **kwargs)
