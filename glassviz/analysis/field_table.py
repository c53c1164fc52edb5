"""``glassviz.analyze``: fields of many snapshots as one long table.

    glassviz.analyze(["run/*.dump", "glasses/"], ["voronoi_volume", "tong_tanaka"], xi=3,
                     normalize=True, one_minus=["tong_tanaka"], backend="processes")

One row per particle and snapshot: ``file``, ``frame``, ``timestep`` (<NA> when the file has
none), then ``id``, ``type``, ``x``, ``y``, (``z``) and the fields, the columns of
:func:`glassviz.io.tables.particle_table`, in the order of the inputs.  Every field goes through
the field registry (:func:`glassviz.fields.compute_fields`), so model fields
(``propensity@MODEL``, ``gradcam@MODEL``, ...) and the files' own columns work as in the CLI;
propensity models predict a batch of snapshots in one forward pass and are read once per worker
process.  The work runs through :func:`glassviz.analysis.batch.map_snapshots` (serial, local
processes or dask); every backend gives the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

from glassviz.analysis.batch import map_snapshots
from glassviz.analysis.sources import expand

MODEL_BATCH = 8  # snapshots per batched model pass (propensity, Grad-CAM, attention) in a batch job


@dataclass
class FieldsJob:
    """Per-snapshot field computation with Oyama's post-processing, the same options for all
    snapshots (see :func:`glassviz.fields.compute_fields`).  Picklable: it is what workers run.

    ``sigma``: a (S, S) matrix or text ``"AA=1,AB=0.94,BB=0.88"`` (read per snapshot).
    """

    names: tuple
    xi: float = 0.0
    r_cut: float | None = None
    normalize: bool = False
    one_minus: tuple = ()
    time: float | None = None
    system: str | None = None
    sigma: object = None
    cg_method: str = "split"
    orientations: int = 1

    def __post_init__(self):
        from glassviz.errors import GlassvizError

        self.names = tuple(dict.fromkeys(self.names))
        self.one_minus = tuple(self.one_minus)
        if not self.names:
            raise GlassvizError("no fields asked for")
        flips = set(self.one_minus) - set(self.names)
        if flips:
            raise GlassvizError(f"1 - X asked for field(s) not computed: {', '.join(sorted(flips))}")

    @property
    def batched_models(self) -> list[str]:
        """Models whose pass is batched across snapshots (and shared by their fields)."""
        from glassviz.fields import FieldName
        from glassviz.fields.models import BATCHED_KINDS, passes

        parsed = [FieldName.parse(n) for n in self.names]
        return list(dict.fromkeys(m for p in parsed if p.is_model and p.kind in BATCHED_KINDS for m in passes(p)))

    @property
    def batch_size(self) -> int:
        return MODEL_BATCH if self.batched_models else 1

    def context(self, snapshot):
        from glassviz.fields import FieldContext

        sigma = self.sigma
        if isinstance(sigma, str):
            from glassviz.systems import parse_sigma

            sigma = parse_sigma(sigma, snapshot.n_species)
        return FieldContext(snapshot, sigma=sigma, system=self.system, time=self.time,
                            orientations=self.orientations)

    def values(self, snapshot, context=None) -> dict:
        """name -> (N,) processed values of one snapshot."""
        from glassviz.fields import compute_fields

        return compute_fields(snapshot, self.names, xi=self.xi, r_cut=self.r_cut, normalize=self.normalize,
                              one_minus=self.one_minus, cg_method=self.cg_method,
                              context=context or self.context(snapshot))

    def values_many(self, snapshots) -> list[dict]:
        """:meth:`values` of several snapshots, each model run once on all of them."""
        from glassviz.fields.models import run_many

        contexts = [self.context(s) for s in snapshots]
        for model in self.batched_models:
            run_many(contexts, model)
        return [self.values(s, c) for s, c in zip(snapshots, contexts)]

    def finish(self, snapshot, values: dict):
        """What a worker sends back for one snapshot (subclasses: a table piece, a row)."""
        return values

    def __call__(self, snapshot):
        return self.finish(snapshot, self.values(snapshot))

    def batch(self, snapshots) -> list:
        return [self.finish(s, v) for s, v in zip(snapshots, self.values_many(snapshots))]


@dataclass
class FieldTableJob(FieldsJob):
    """One snapshot's block of the long table (a DataFrame), or its extxyz frame (text)."""

    keys: bool = True
    extxyz: bool = False

    def finish(self, snapshot, values: dict):
        from glassviz.io.tables import extxyz_text, particle_table

        if self.extxyz:
            return extxyz_text(snapshot, values)
        return particle_table(snapshot, values, keys=self.keys)


def analyze(sources, fields, frames=None, xi: float = 0.0, normalize: bool = False, one_minus=(),
            time: float | None = None, system: str | None = None, sigma=None, r_cut: float | None = None,
            cg_method: str = "split", orientations: int = 1, backend="serial", n_workers: int | None = None,
            client=None, keep_going: bool = False, progress: bool = False, to: str | None = None):
    """Per-particle fields of every snapshot of ``sources`` as one long table.

    Parameters
    ----------
    sources : file, glob, directory, in-memory snapshot, or a list of these; a trajectory
        contributes each frame (see :func:`glassviz.analysis.sources.expand`).
    fields : field names (``voronoi_volume``, ``tong_tanaka``, ``propensity@MODEL``, ...).
    frames : None (all), an index, a slice or ``"START:STOP:STEP"``, per trajectory.
    xi, normalize, one_minus, r_cut, cg_method : Oyama's post-processing, per snapshot
        (coarse-graining length ξ, 0 = raw; min-max to [0, 1]; 1 - X).
    time : time of stored isoconfigurational averages for ``propensity``.
    system, sigma : particle sizes for Tong-Tanaka (system name, or matrix / ``"AA=1,AB=0.94,BB=0.88"``).
    orientations : propensity models average over this many cubic-group turns (48 = exact
        cubic invariance in 3D, 8 in 2D; cost: that many forward passes).
    backend, n_workers, client : see :func:`glassviz.analysis.batch.map_snapshots`; any
        ``dask.distributed.Client`` works unchanged with ``backend="dask"``.  As with every
        process pool, a script using ``backend="processes"`` or a new LocalCluster must run its
        work under ``if __name__ == "__main__":`` (workers start by importing it).
    keep_going : skip snapshots that cannot be read or analysed (each logged in one line).
    progress : progress bar on stderr.
    to : None, or a ``.parquet`` / ``.csv`` path: rows are written there as snapshots finish
        (under ``PATH.part`` until the end) instead of being collected in memory.

    Returns
    -------
    pandas.DataFrame with columns ``file``, ``frame``, ``timestep``, ``id``, ``type``, ``x``,
    ``y``, (``z``), then the fields; with ``to``, the path written.
    """
    import pandas as pd

    from glassviz.io.tables import TableWriter

    job = FieldTableJob(tuple([fields] if isinstance(fields, str) else fields), xi=xi, r_cut=r_cut,
                        normalize=normalize, one_minus=tuple(one_minus), time=time, system=system, sigma=sigma,
                        cg_method=cg_method, orientations=orientations)
    if to is not None:
        with TableWriter(to) as writer:
            job.extxyz = writer.extxyz
            for _, piece in run(job, sources, frames=frames, backend=backend, n_workers=n_workers, client=client,
                                keep_going=keep_going, progress=progress):
                if job.extxyz:
                    writer.write(text=piece)
                else:
                    writer.write(piece)
        return to
    pieces = [piece for _, piece in run(job, sources, frames=frames, backend=backend, n_workers=n_workers,
                                         client=client, keep_going=keep_going, progress=progress)]
    return pd.concat(pieces, ignore_index=True)


def run(job: FieldsJob, sources, frames=None, **engine):
    """``map_snapshots(job, refs)`` over the expanded ``sources`` (refs already expanded are
    taken as they are), batched as the job asks."""
    from glassviz.analysis.sources import SnapshotRef

    refs = sources if isinstance(sources, list) and sources and all(isinstance(r, SnapshotRef) for r in sources) \
        else expand(sources, frames, keep_going=engine.get("keep_going", False))
    return map_snapshots(job, refs, batch_size=job.batch_size, **engine)

