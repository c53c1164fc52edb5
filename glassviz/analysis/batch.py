"""One engine for every analysis over many snapshots: :func:`map_snapshots`.

Backends in the style of MDAnalysis's ``analysis/backends.py`` (2.8+): ``serial``,
``processes`` (a local process pool) and ``dask`` (any ``dask.distributed.Client``: a local
cluster, SLURM through dask-jobqueue, Kubernetes, ``--scheduler ADDRESS``).  Workers receive
snapshot *references* (:class:`~glassviz.analysis.sources.SnapshotRef`) and read the snapshots
themselves, so nothing large crosses process boundaries but the results.

Streaming and memory: at most ``2 x workers`` batches are in flight and results come back in
input order, so the memory held is bounded whatever the number of snapshots; a consumer that
writes each result as it comes (:class:`glassviz.io.tables.TableWriter`) keeps it so.

Failures: a snapshot that cannot be read or analysed becomes one line naming its file.  With
``keep_going`` the run skips it (logged, and listed in ``BatchRun.skipped``); without, the run
stops cleanly: pending work is cancelled and the line is raised as a
:class:`~glassviz.errors.GlassvizError`.

Batching: ``fn(snapshot) -> result``.  If ``fn`` also has ``fn.batch(snapshots) -> results``,
the engine hands it ``batch_size`` snapshots at once (models predict them in one forward pass);
if that batch fails, each snapshot is redone alone so that the bad one is named and the others
go through.
"""

from __future__ import annotations

import itertools
import logging
import os
from collections import deque
from dataclasses import dataclass

from glassviz.errors import GlassvizError

log = logging.getLogger("glassviz.analysis")

BACKENDS = ("serial", "processes", "dask")


@dataclass(frozen=True)
class Failure:
    """A snapshot the run could not analyse: its reference and a one-line message naming it."""

    ref: object
    message: str
    internal: bool = False


def _message(ref, exc: BaseException) -> tuple[str, bool]:
    """(one line naming the snapshot's file, whether it is an internal error)."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else exc.__class__.__name__
    internal = not isinstance(exc, GlassvizError)
    if internal:
        text = f"internal error {exc.__class__.__name__}: {text}"
    where = str(ref)
    if ref.file in text:
        if ref.frame and f"frame {ref.frame}" not in text:
            text = f"{text} (frame {ref.frame})"
        return text, internal
    return f"{where}: {text}", internal


# -- what a worker runs ----------------------------------------------------------------------
_THREADS_SET: list = []


def limit_threads(threads: int | None) -> None:
    """Cap this process's compute threads (freud/TBB, OpenMP, BLAS, torch, glassviz's compiled
    loops) once per process, so that ``n`` workers on ``n`` cores do not each start a thread
    per core.  The variables cover libraries loaded later; threadpoolctl caps the BLAS and
    OpenMP pools already loaded (numpy's OpenBLAS starts its threads when numpy is imported,
    before any worker code runs: uncapped, two workers ran 1.4x one instead of 1.8x)."""
    if not threads or _THREADS_SET:
        return
    _THREADS_SET.append(threads)
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ[var] = str(threads)
    from threadpoolctl import threadpool_limits

    threadpool_limits(threads)
    import freud

    freud.parallel.set_num_threads(threads)
    import sys

    if "torch" in sys.modules:  # torch reads OMP_NUM_THREADS when imported; set it if already in
        sys.modules["torch"].set_num_threads(threads)


def setup_worker(threads: int | None = None) -> None:
    """What a worker process does once: cap its threads and keep freed memory for reuse
    (:func:`glassviz.memory.keep_freed_memory`)."""
    from glassviz.memory import keep_freed_memory

    limit_threads(threads)
    keep_freed_memory()


def run_batch(fn, refs, threads: int | None = None, worker: bool = False) -> list:
    """Analyse a batch of snapshots in this process: per reference, the result or a Failure.
    ``worker``: this process is a batch worker (:func:`setup_worker`, once).

    Never raises for a bad snapshot: errors come back as values (they cross process boundaries
    as text, whatever the exception type)."""
    if worker:
        setup_worker(threads)
    else:
        limit_threads(threads)
    out: list = [None] * len(refs)
    loaded = []
    for k, ref in enumerate(refs):
        try:
            loaded.append((k, ref.load()))
        except Exception as exc:  # noqa: BLE001 - reported as one line naming the file
            out[k] = Failure(ref, *_message(ref, exc))
    batched = getattr(fn, "batch", None)
    if batched is not None and len(loaded) > 1:
        try:
            for (k, _), result in zip(loaded, batched([s for _, s in loaded]), strict=True):
                out[k] = result
            return out
        except Exception as exc:  # noqa: BLE001 - redo one by one so the bad snapshot is the one named
            log.debug("batched pass failed (%s); redoing the batch one snapshot at a time", exc)
    for k, snap in loaded:
        try:
            out[k] = fn(snap)
        except Exception as exc:
            if os.environ.get("GLASSVIZ_DEBUG") and not isinstance(exc, GlassvizError):
                raise  # a bug: keep its traceback when debugging
            out[k] = Failure(refs[k], *_message(refs[k], exc))
    return out


# -- backends ---------------------------------------------------------------------------------
class Backend:
    """Runs ``run_batch`` over batches, at most ``window`` in flight, results in input order."""

    name = "base"

    def __init__(self, n_workers: int = 1):
        if not isinstance(n_workers, int) or n_workers < 1:
            raise GlassvizError(f"n_workers must be a positive integer, got {n_workers!r}")
        self.n_workers = n_workers

    @property
    def window(self) -> int:
        return 2 * self.n_workers

    def submit(self, fn, refs):
        raise NotImplementedError

    def imap(self, fn, batches):
        """Yield ``run_batch(fn, batch)`` for each batch, in order, bounded in flight."""
        pending: deque = deque()
        source = iter(batches)
        try:
            for batch in itertools.islice(source, self.window):
                pending.append(self.submit(fn, batch))
            while pending:
                result = self.result(pending.popleft())
                nxt = next(source, None)
                if nxt is not None:
                    pending.append(self.submit(fn, nxt))
                yield result
        finally:
            self.cancel(pending)

    def result(self, future):
        return future.result()

    def cancel(self, pending) -> None:
        for f in pending:
            f.cancel()

    def close(self) -> None:
        pass

    def describe(self) -> str:
        return self.name


class SerialBackend(Backend):
    """Everything in this process, one batch after the other (all threads of freud/torch)."""

    name = "serial"

    @property
    def window(self) -> int:
        return 1

    def imap(self, fn, batches):
        from glassviz.memory import BATCH_BLOCKS, reusing_freed_memory

        with reusing_freed_memory(BATCH_BLOCKS):  # each snapshot's arrays reuse the last one's heap
            for batch in batches:
                yield run_batch(fn, batch)


class ProcessesBackend(Backend):
    """A local pool of ``n_workers`` processes (``spawn``: workers start clean, whatever this
    process has imported or started -- thread pools, CUDA -- and each caps its threads to
    cores / workers)."""

    name = "processes"

    def __init__(self, n_workers: int | None = None):
        super().__init__(n_workers or os.cpu_count() or 1)
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        self.threads = max(1, (os.cpu_count() or 1) // self.n_workers)
        self.pool = ProcessPoolExecutor(self.n_workers, mp_context=multiprocessing.get_context("spawn"),
                                        initializer=setup_worker, initargs=(self.threads,))

    def submit(self, fn, refs):
        return self.pool.submit(run_batch, fn, refs, self.threads)

    def result(self, future):
        from concurrent.futures.process import BrokenProcessPool

        try:
            return future.result()
        except BrokenProcessPool:
            raise GlassvizError("a worker process died (out of memory?); rerun with fewer --jobs") from None

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)

    def describe(self) -> str:
        return f"{self.n_workers} processes x {self.threads} thread(s)"


class DaskBackend(Backend):
    """``dask.distributed``: the ``client`` given is used unchanged (never closed here); with
    no client, a ``LocalCluster`` of ``n_workers`` single-threaded worker processes is started
    on the loopback interface for this run and shut down after it; a string is the address of a
    running scheduler, connected to for this run."""

    name = "dask"

    def __init__(self, n_workers: int | None = None, client=None):
        from distributed import Client

        self._own_client = self._own_cluster = False
        if client is None:
            from distributed import LocalCluster

            n = n_workers or os.cpu_count() or 1
            cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True, host="127.0.0.1",
                                   dashboard_address=None, silence_logs=logging.ERROR)
            client = Client(cluster)
            self._own_client = self._own_cluster = True
            log.warning("no dask client given: started a LocalCluster of %d workers x 1 thread on 127.0.0.1 "
                        "for this run (pass client= to use your own cluster)", n)
            self.threads = 1
        elif isinstance(client, str):
            try:
                client = Client(client, timeout="20s")
            except (OSError, TimeoutError) as exc:
                raise GlassvizError(f"cannot reach the dask scheduler at {client} ({exc})") from None
            self._own_client = True
            self.threads = None
        else:
            self.threads = None
        self.client = client
        # the in-flight bound: 2 x the cluster's threads when the run starts, or 2 x n_workers
        # when given (an adaptive cluster may start with none)
        workers = client.scheduler_info().get("workers", {})
        n_threads = sum(w.get("nthreads", 1) for w in workers.values())
        super().__init__(max(1, int(n_threads), int(n_workers or 1)))

    def submit(self, fn, refs):
        return self.client.submit(run_batch, fn, refs, self.threads, True, pure=False)

    def result(self, future):
        try:
            return future.result()
        except GlassvizError:
            raise
        except Exception as exc:  # noqa: BLE001 - a lost worker or a scheduler gone: one line
            raise GlassvizError(f"dask: {exc.__class__.__name__}: {exc}") from None

    def cancel(self, pending) -> None:
        if pending:
            self.client.cancel(list(pending))

    def close(self) -> None:
        if self._own_client:
            cluster = self.client.cluster if self._own_cluster else None
            self.client.close()
            if cluster is not None:
                cluster.close()

    def describe(self) -> str:
        return f"dask ({self.client.scheduler.address}, {self.n_workers} worker threads)"


def make_backend(backend="serial", n_workers: int | None = None, client=None) -> Backend:
    """A Backend by name (``serial``, ``processes``, ``dask``), or a Backend instance as is.
    A ``client`` implies ``dask``."""
    if isinstance(backend, Backend):
        return backend
    if client is not None and backend in (None, "serial", "dask"):
        return DaskBackend(n_workers, client)
    if backend == "serial" or backend is None:
        return SerialBackend()
    if backend in ("processes", "multiprocessing"):
        return ProcessesBackend(n_workers)
    if backend == "dask":
        return DaskBackend(n_workers, client)
    raise GlassvizError(f"unknown backend {backend!r}; backends: {', '.join(BACKENDS)}")


# -- the engine ---------------------------------------------------------------------------------
def progress_bar(total: int, enabled: bool = True, desc: str = "snapshots"):
    """The progress bar of a batch (:func:`glassviz.progress.progress`: tqdm with ETA on stderr,
    off with ``--quiet``); a silent one when disabled."""
    from glassviz.progress import progress

    return progress(total, desc, enabled=None if enabled else False, unit="snap", leave=False)


class BatchRun:
    """Iterate to get ``(ref, result)`` in input order; ``skipped`` lists the Failures passed
    over (with ``keep_going``); ``done`` counts the snapshots analysed."""

    def __init__(self, fn, refs, *, backend="serial", n_workers=None, client=None, keep_going=False,
                 progress=True, batch_size: int = 1):
        self.fn = fn
        self.refs = list(refs)
        self.keep_going = keep_going
        self.progress = progress
        self.batch_size = max(1, int(batch_size))
        self.skipped: list[Failure] = []
        self.done = 0
        self._backend_args = (backend, n_workers, client)
        self.backend = None

    def __len__(self) -> int:
        return len(self.refs)

    def __iter__(self):
        refs = self.refs
        batches = [refs[k:k + self.batch_size] for k in range(0, len(refs), self.batch_size)]
        self.backend = make_backend(*self._backend_args)
        bar = progress_bar(len(refs), self.progress)
        first_failure = None
        results_in_order = self.backend.imap(self.fn, batches)
        try:
            for batch, results in zip(batches, results_in_order):
                for ref, result in zip(batch, results):
                    bar.update(1)
                    if isinstance(result, Failure):
                        if not self.keep_going:
                            raise GlassvizError(result.message)
                        first_failure = first_failure or result
                        self.skipped.append(result)
                        log.warning("skipped %s", result.message)
                        continue
                    self.done += 1
                    yield ref, result
        finally:
            results_in_order.close()  # cancels the work still in flight
            bar.close()
            self.backend.close()
        if self.done == 0 and first_failure is not None:
            raise GlassvizError(f"every snapshot failed ({len(self.skipped)}); the first: {first_failure.message}")


def map_snapshots(fn, refs, *, backend="serial", n_workers: int | None = None, client=None,
                  keep_going: bool = False, progress: bool = True, batch_size: int = 1) -> BatchRun:
    """Apply ``fn`` to every snapshot of ``refs``; iterate the result for ``(ref, fn(snapshot))``.

    Parameters
    ----------
    fn : picklable callable ``fn(snapshot) -> result`` (a module-level function or an instance
        of a module-level class), optionally with ``fn.batch(snapshots) -> results``.
    refs : list of :class:`~glassviz.analysis.sources.SnapshotRef` (see
        :func:`glassviz.analysis.sources.expand`).
    backend : ``"serial"``, ``"processes"`` or ``"dask"`` (a ``client`` implies ``"dask"``).
    n_workers : processes (``processes``; default: one per core), LocalCluster workers (``dask``
        without a client) or, with a client, the least work kept in flight (2 x n_workers
        batches; default 2 x the cluster's threads when the run starts).
    client : a ``dask.distributed.Client`` (used unchanged), or a scheduler address.
    keep_going : skip snapshots that fail (one logged line each) instead of stopping.
    progress : show a progress bar on stderr.
    batch_size : snapshots handed to ``fn.batch`` at once.

    Returns
    -------
    BatchRun: iterating it runs the work and yields ``(ref, result)`` in the order of ``refs``.
    """
    return BatchRun(fn, refs, backend=backend, n_workers=n_workers, client=client, keep_going=keep_going,
                    progress=progress, batch_size=batch_size)
