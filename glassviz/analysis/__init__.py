"""Analyses over fields and snapshots.

``sources``      DATA arguments -> ordered snapshot references (files, globs, directories, frames);
``batch``        :func:`map_snapshots`, the one engine (serial, processes, dask) every batch uses;
``field_table``  :func:`analyze`, fields of many snapshots as one long table;
``correlation``  correlation tables between fields of one snapshot;
``snapshot_correlations``  :func:`correlate`, coefficients per snapshot over many snapshots
                 (Oyama Fig. 3); ``violins`` draws them.

Submodules are imported on first use, so ``import glassviz`` stays light.
"""

from glassviz.analysis.correlation import correlation_table

__all__ = ["analyze", "correlate", "correlation_table", "expand", "map_snapshots"]


def __getattr__(name):
    import importlib

    where = {"analyze": "glassviz.analysis.field_table", "correlate": "glassviz.analysis.snapshot_correlations",
             "expand": "glassviz.analysis.sources", "map_snapshots": "glassviz.analysis.batch"}
    if name in where:
        return getattr(importlib.import_module(where[name]), name)
    raise AttributeError(f"module 'glassviz.analysis' has no attribute {name!r}")
