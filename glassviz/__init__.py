"""glassviz: see what machine-learning models find in the structure of glasses.

``glassviz.load(path)`` reads a snapshot; ``glassviz.structure`` computes the classical
indicators; ``glassviz.fields`` maps field names to their computations;
``glassviz.analyze(sources, fields, ...)`` runs them over many snapshots (imported on first use).
``glassviz.Dashboard(sources)`` is the dashboard for Jupyter and ``.servable()`` (imported on
first use: ``import glassviz`` does not import Panel).
"""

from glassviz.errors import GlassvizError, InputError
from glassviz.io import load, n_frames
from glassviz.snapshot import IsoEnsemble, Snapshot

__version__ = "0.1.0"

__all__ = ["Dashboard", "GlassvizError", "InputError", "IsoEnsemble", "Snapshot", "analyze", "load", "n_frames",
           "__version__"]


def __getattr__(name):
    # imported on first use: the batch engine and pandas, and the dashboard's Panel, stay out of
    # ``import glassviz``
    if name == "analyze":
        from glassviz.analysis.field_table import analyze

        return analyze
    if name == "Dashboard":
        from glassviz.app.notebook import Dashboard

        return Dashboard
    raise AttributeError(f"module 'glassviz' has no attribute {name!r}")
