"""The shell-ablation store (Bapst et al. 2020, Fig. 4): the model and δ chosen, and the
progress, hop shells and results of the job (:class:`glassviz.app.jobs.AblationJob`, a worker
thread) copied in from the page's event loop."""

from __future__ import annotations

import param


class AblationState(param.Parameterized):
    """Shell ablation of the picked particle."""

    model = param.Selector(default=None, objects=[None], doc="propensity model ablated")
    delta = param.Number(default=0.1, bounds=(0.0, 1.0), step=0.05, doc="radial stretch δ (σ)")
    progress = param.Number(default=0.0, bounds=(0.0, 1.0))
    status = param.String(default="")
    result = param.Dict(default=None, allow_None=True)
    shells = param.Array(default=None, allow_None=True, doc="(N,) hop shell of each particle")
    error = param.String(default="", doc="the job's failure, one line")

    def __init__(self, **params):
        super().__init__(**params)
        self.job = None

    def offer(self, models: list[str], at_horizon: list[str]) -> None:
        """Offer ``models``; keep the chosen one if it is at the horizon, else take the first."""
        self.param.model.objects = models or [None]
        if self.model not in (at_horizon or models):
            self.model = models[0] if models else None

    def reset(self) -> None:
        """Another configuration: forget the last result."""
        with param.parameterized.batch_call_watchers(self):
            self.shells = None
            self.result = None
            self.progress = 0.0
            self.status = ""

    @property
    def running(self) -> bool:
        return self.job is not None and self.job.running

    def start(self, snapshot, picked: int | None) -> str:
        """Start the job on particle row ``picked``; returns '' or why it did not start."""
        from glassviz.app.jobs import AblationJob

        if picked is None:
            return "pick a particle first (click it in any 2D view)"
        if self.model is None:
            return "no propensity model fits this snapshot"
        if self.running:
            return "a shell ablation is running"
        self.job = AblationJob(self.model, snapshot, picked, self.delta)
        with param.parameterized.batch_call_watchers(self):
            self.result, self.shells, self.progress = None, None, 0.0
            self.status = "building the graph"
        self.job.start()
        return ""

    def poll(self, snapshot) -> bool:
        """Copy the worker's progress in (from the page's event loop); True while it runs.
        A job on another snapshot than ``snapshot`` only reports whether it runs."""
        job = self.job
        if job is None:
            return False
        state = job.snapshot_state()
        if job.snapshot is not snapshot:
            return state["running"]
        if state["shells"] is not None and self.shells is None:
            self.shells = state["shells"]
        if state["result"] != self.result:
            self.result = state["result"]
        self.progress = state["progress"]
        self.status = state["status"]
        if state["error"]:
            self.error = f"error: {state['error']}"
        return state["running"]

    def close(self) -> None:
        """Stop the job at its next stage and drop it (the session has ended)."""
        if self.job is not None:
            self.job.cancel()
        self.job = None
        self.shells = self.result = None

    def wait(self, snapshot, timeout: float = 600.0) -> None:
        if self.job is not None:
            self.job.join(timeout)
            self.poll(snapshot)
