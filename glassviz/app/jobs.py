"""Work the dashboard runs off its event loop: the shell ablation of a picked particle.

The job runs on the dashboard's bounded worker pool (:mod:`glassviz.app.pool`; torch releases
the GIL in its kernels, so the page stays responsive) and only writes its own fields under a lock; the session copies them into its
store from the page's event loop (:meth:`glassviz.app.state.Session.poll_ablation`), so no
widget is touched from the worker.
"""

from __future__ import annotations

import threading
from concurrent.futures import wait

import numpy as np

# fraction of the work done after each stage (measured on the N = 4096 demo: the keep and
# stretch batches cost about the same, the graph and full prediction far less)
STAGES = {"graph": 0.1, "full": 0.2, "keep": 0.6, "stretch": 1.0}


class _Cancelled(Exception):
    """Raised inside the job between stages once it is cancelled."""


class AblationJob:
    """:class:`glassviz.explain.ablation.ShellAblation` of one particle in a thread.

    State (read with :meth:`snapshot_state`): ``progress`` 0..1, ``status`` text, ``shells``
    (N,) hop shells once known, ``result`` dict (n, full, keep, stretch, kept, shell_size,
    particle id, model) growing as the modes finish, ``error`` one line or None.
    """

    def __init__(self, model_name: str, snapshot, particle: int, delta: float = 0.1, n_values=range(1, 8)):
        self.model_name, self.snapshot, self.particle = model_name, snapshot, int(particle)
        self.delta, self.n_values = float(delta), list(n_values)
        self._lock = threading.Lock()
        self._state = {"progress": 0.0, "status": "queued", "shells": None, "result": None, "error": None,
                       "running": True}
        self._future = None
        self._cancelled = threading.Event()

    def start(self) -> None:
        from glassviz.app import pool

        self._future = pool.submit(self._run)

    def join(self, timeout: float | None = None) -> None:
        if self._future is not None:
            wait([self._future], timeout)

    def cancel(self) -> None:
        """Stop at the next stage (the session that asked for it has ended)."""
        self._cancelled.set()

    @property
    def running(self) -> bool:
        return self._state["running"]

    def snapshot_state(self) -> dict:
        with self._lock:
            return dict(self._state)

    def _set(self, **kw) -> None:
        with self._lock:
            self._state.update(kw)

    def _run(self) -> None:
        from glassviz.errors import GlassvizError
        from glassviz.explain.ablation import ShellAblation, hop_shells
        from glassviz.models.store import load_model

        try:
            if self._cancelled.is_set():
                raise _Cancelled
            model, card = load_model(self.model_name)
            abl = ShellAblation(model, card, self.snapshot)
            shells = hop_shells(abl.graph, self.particle)
            self._set(shells=shells, progress=STAGES["graph"], status="full prediction")
            result = {"model": self.model_name, "particle_id": int(self.snapshot.ids[self.particle]),
                      "n": [int(n) for n in self.n_values], "delta": self.delta,
                      "shell_size": [int(np.sum(shells == n)) for n in self.n_values]}

            def progress(stage):
                if self._cancelled.is_set():
                    raise _Cancelled
                if stage == "full":
                    result["full"] = float(abl.full)
                    text = "keep: shells <= n only"
                elif stage == "keep":
                    result["keep"] = [float(v) for v in abl.keep]
                    result["kept"] = [int(v) for v in abl.kept_counts]
                    text = f"stretch: shells > n moved out by {self.delta:g}"
                else:
                    result["stretch"] = [float(v) for v in abl.stretch]
                    text = "done"
                self._set(progress=STAGES[stage], status=text, result=dict(result))

            abl.compute(self.particle, n_values=self.n_values, delta=self.delta, progress=progress)
        except _Cancelled:
            self._set(status="cancelled")
        except GlassvizError as exc:
            self._set(error=str(exc), status="failed")
        except Exception as exc:  # noqa: BLE001 - shown on the page as one line
            self._set(error=f"{exc.__class__.__name__}: {exc}", status="failed")
        finally:
            self._set(running=False)
