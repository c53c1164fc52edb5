"""Correlation coefficients between fields, one value per snapshot and pair, over many snapshots
(Oyama, Koyama & Kawasaki, Front. Phys. 10, 1007861 (2023), Fig. 3: the distribution over 600
glasses and 600 liquids of C_{Γ,Υ}, C_{Γ,Θ}, C_{Θ,Υ}, with 1 - Θ for Tong-Tanaka; Fig. 4: a
coefficient against time along trajectories).

Per snapshot the fields are computed and processed as everywhere (:class:`FieldsJob`: ξ,
normalisation, 1 - X), then :func:`glassviz.analysis.correlation.correlation_table` gives the
coefficients over the particles of the chosen species (Pearson or Spearman).

Table: one row per snapshot, ``file``, ``frame``, ``group``, then ``C(a,b)`` per pair in the
order the fields were named; ``table.attrs["timestep"]`` keeps each row's timestep (None when
unknown) for plots against time.  Groups (``group_by``): ``temperature`` (``T = 0.05``; the
snapshot's temperature, ``T unknown`` without one), ``file`` (the file: a trajectory is one
group) or ``glob`` (the DATA argument the snapshot came from).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

from glassviz.analysis.field_table import FieldsJob, run
from glassviz.errors import GlassvizError

GROUP_BY = ("temperature", "file", "glob")
METHODS = ("pearson", "spearman")


def pair_name(a: str, b: str) -> str:
    return f"C({a},{b})"


@dataclass
class CorrelationJob(FieldsJob):
    """Coefficients of all pairs of fields for one snapshot: dict with ``timestep``,
    ``temperature`` and one entry per pair name."""

    method: str = "pearson"
    species: object = None

    def __post_init__(self):
        super().__post_init__()
        if self.method not in METHODS:
            raise GlassvizError(f"correlation method must be one of {', '.join(METHODS)}, got {self.method!r}")
        if len(self.names) < 2:
            raise GlassvizError("correlations need at least two fields")

    @property
    def pairs(self) -> list[tuple[str, str]]:
        return list(combinations(self.names, 2))

    def finish(self, snapshot, values: dict) -> dict:
        from glassviz.analysis.correlation import correlation_table

        table = correlation_table(values, self.method, snapshot=snapshot, species=self.species)
        row = {"timestep": snapshot.meta.get("timestep"), "temperature": snapshot.temperature}
        for a, b in self.pairs:
            row[pair_name(a, b)] = float(table.loc[a, b])
        return row


def group_of(ref, row: dict, group_by: str) -> str:
    if group_by == "temperature":
        t = row.get("temperature")
        return "T unknown" if t is None else f"T = {t:g}"
    if group_by == "file":
        return ref.file
    return ref.origin or ref.file


def correlation_job(fields, xi: float = 0.0, normalize: bool = False, one_minus=(), species=None,
                    method: str = "pearson", time: float | None = None, system: str | None = None, sigma=None,
                    r_cut: float | None = None, cg_method: str = "split") -> CorrelationJob:
    """The :class:`CorrelationJob` of :func:`correlate`'s parameters."""
    return CorrelationJob(tuple(fields), xi=xi, r_cut=r_cut, normalize=normalize, one_minus=tuple(one_minus),
                          time=time, system=system, sigma=sigma, cg_method=cg_method, method=method,
                          species=species)


def table_columns(job: CorrelationJob) -> list[str]:
    return ["file", "frame", "group"] + [pair_name(a, b) for a, b in job.pairs]


def correlation_rows(job: CorrelationJob, sources, group_by: str = "temperature", frames=None, **engine):
    """(runner, rows): ``rows`` yields one table row (a dict with the columns of
    :func:`table_columns` and ``timestep``) per snapshot of ``sources`` (or of a list of
    :class:`~glassviz.analysis.sources.SnapshotRef`) as it finishes; ``runner.skipped`` lists
    what ``keep_going`` skipped.  ``engine``: as :func:`run`."""
    if group_by not in GROUP_BY:
        raise GlassvizError(f"group-by must be one of {', '.join(GROUP_BY)}, got {group_by!r}")
    columns = table_columns(job)
    runner = run(job, sources, frames=frames, **engine)

    def rows():
        for ref, row in runner:
            out = {"file": ref.file, "frame": ref.frame, "group": group_of(ref, row, group_by)}
            out.update({c: row[c] for c in columns[3:]})
            out["timestep"], out["temperature"] = row["timestep"], row.get("temperature")
            yield out

    return runner, rows()


def to_table(rows, job: CorrelationJob, skipped=()):
    """The DataFrame of :func:`correlate` from rows of :func:`correlation_rows`."""
    import pandas as pd

    table = pd.DataFrame([{c: r[c] for c in table_columns(job)} for r in rows], columns=table_columns(job))
    table.attrs["timestep"] = [r["timestep"] for r in rows]
    table.attrs["skipped"] = list(skipped)
    table.attrs["group_order"] = group_order(rows)
    return table


def group_order(rows) -> list[str]:
    """The groups of ``rows`` in the order figures draw them: by temperature, the coldest first
    when every group has one (glasses before liquids, dark grey before light as in Oyama et al.
    Fig. 3); otherwise in the order they first appear."""
    groups = list(dict.fromkeys(r["group"] for r in rows))
    coldest = {}
    for r in rows:
        t = r.get("temperature")
        if t is not None:
            coldest[r["group"]] = min(t, coldest.get(r["group"], t))
    if len(coldest) == len(groups):
        groups.sort(key=coldest.__getitem__)
    return groups


def correlate(sources, fields, frames=None, xi: float = 0.0, normalize: bool = False, one_minus=(),
              species=None, method: str = "pearson", group_by: str = "temperature", time: float | None = None,
              system: str | None = None, sigma=None, r_cut: float | None = None, cg_method: str = "split",
              backend="serial", n_workers: int | None = None, client=None, keep_going: bool = False,
              progress: bool = False, writer=None):
    """Per-snapshot correlation coefficients between every pair of ``fields``.

    Parameters as :func:`glassviz.analyze`, plus ``species`` (index, letter or type label; None
    = all particles), ``method`` (``pearson`` | ``spearman``), ``group_by`` (``temperature`` |
    ``file`` | ``glob``) and ``writer`` (a :class:`glassviz.io.tables.TableWriter` that gets
    each row as its snapshot finishes).

    Returns
    -------
    pandas.DataFrame: ``file``, ``frame``, ``group``, then ``C(a,b)`` per pair; ``attrs["timestep"]``
    (per row) and ``attrs["skipped"]`` (the messages of snapshots skipped with ``keep_going``).
    """
    import pandas as pd

    job = correlation_job(fields, xi=xi, normalize=normalize, one_minus=one_minus, species=species, method=method,
                          time=time, system=system, sigma=sigma, r_cut=r_cut, cg_method=cg_method)
    runner, rows = correlation_rows(job, sources, group_by, frames=frames, backend=backend, n_workers=n_workers, client=client,
                                    keep_going=keep_going, progress=progress)
    done = []
    for row in rows:
        done.append(row)
        if writer is not None:
            writer.write(pd.DataFrame([{c: row[c] for c in table_columns(job)}], columns=table_columns(job)))
    return to_table(done, job, [f.message for f in runner.skipped])


def summary(table):
    """Mean, standard deviation and count of every pair's coefficient per group (the numbers
    Oyama et al. give beside Fig. 3): a DataFrame indexed by (pair, group), pairs in table
    order and groups in order of appearance."""
    import pandas as pd

    pairs = [c for c in table.columns if c.startswith("C(")]
    groups = list(dict.fromkeys(table["group"]))
    rows = []
    for p in pairs:
        for g in groups:
            v = table.loc[table["group"] == g, p].astype(float)
            rows.append({"pair": p, "group": g, "mean": v.mean(), "std": v.std(), "count": int(v.count())})
    return pd.DataFrame(rows).set_index(["pair", "group"])
