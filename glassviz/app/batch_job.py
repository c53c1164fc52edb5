"""Work of the dashboard's Batch tab, off the page's event loop: ``glassviz correlate`` over the
session's open files or the frames of one trajectory (Oyama et al. 2023, Figs. 3 and 4).

The job runs in a worker thread and only writes its own state under a lock; the Batch view
copies it onto the page from a periodic callback, so no widget is touched from the worker and
the page keeps answering while snapshots are computed.  A bad snapshot is skipped with its one
line (``keep_going``); :meth:`CorrelationBatch.cancel` stops the job after the snapshot in hand.
"""

from __future__ import annotations

import threading

from glassviz.analysis.snapshot_correlations import (
    correlation_job,
    correlation_rows,
    to_table,
)


class CorrelationBatch:
    """Per-snapshot correlation coefficients between ``fields`` over ``sources``.

    ``sources``: file paths or in-memory objects (what :func:`glassviz.analysis.sources.expand`
    takes); ``frames``: None or ``"START:STOP:STEP"``; ``options``: the field processing and
    correlation settings of :func:`glassviz.analysis.snapshot_correlations.correlation_job`
    (xi, normalize, one_minus, species, method, time, system, sigma).

    State (read with :meth:`state`): ``done``/``total`` snapshots, ``progress`` 0..1,
    ``status`` text, ``running``, ``error`` one line or None, ``skipped`` one line per
    snapshot left out; :meth:`table` gives the rows finished so far as a DataFrame.
    """

    def __init__(self, sources, fields, frames=None, group_by: str = "file", **options):
        self.sources, self.frames, self.group_by = list(sources), frames, group_by
        self.job = correlation_job(fields, **options)
        self._rows: list[dict] = []
        self._lock = threading.Lock()
        self._cancel = threading.Event()
        self._state = {"done": 0, "total": None, "progress": 0.0, "status": "queued", "running": True,
                       "error": None, "skipped": []}
        self._thread = threading.Thread(target=self._run, name="glassviz-batch", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def cancel(self) -> None:
        self._cancel.set()

    def join(self, timeout: float | None = None) -> None:
        self._thread.join(timeout)

    @property
    def running(self) -> bool:
        return self._state["running"]

    def state(self) -> dict:
        with self._lock:
            return dict(self._state, skipped=list(self._state["skipped"]))

    def table(self):
        with self._lock:
            rows, skipped = list(self._rows), list(self._state["skipped"])
        return to_table(rows, self.job, skipped)

    def _set(self, **kw) -> None:
        with self._lock:
            self._state.update(kw)

    def _run(self) -> None:
        from glassviz.analysis.sources import expand
        from glassviz.errors import GlassvizError

        try:
            refs = expand(self.sources, self.frames, keep_going=True)
            total = len(refs)
            self._set(total=total, status=f"0 of {total} snapshots")
            runner, rows = correlation_rows(self.job, refs, self.group_by, keep_going=True, progress=False)
            for row in rows:
                with self._lock:
                    self._rows.append(row)
                    done = len(self._rows)
                    skipped = [f.message for f in runner.skipped]
                    self._state.update(done=done, skipped=skipped, progress=(done + len(skipped)) / max(total, 1),
                                       status=f"{done} of {total} snapshots")
                if self._cancel.is_set():
                    self._set(status=f"cancelled after {done} of {total} snapshots")
                    return
            skipped = [f.message for f in runner.skipped]
            done = self._state["done"]
            self._set(skipped=skipped, progress=1.0,
                      status=f"done: {done} snapshot{'s' if done != 1 else ''}"
                             + (f", {len(skipped)} skipped" if skipped else ""))
        except GlassvizError as exc:
            self._set(error=str(exc), status="failed")
        except Exception as exc:  # noqa: BLE001 - shown on the page as one line
            self._set(error=f"{exc.__class__.__name__}: {exc}", status="failed")
        finally:
            self._set(running=False)
