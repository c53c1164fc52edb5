"""glassviz: see what machine-learning models find in the structure of glasses.

``glassviz.load(path)`` reads a snapshot; ``glassviz.structure`` computes the classical
indicators; ``glassviz.fields`` maps field names to their computations.
"""

from glassviz.errors import GlassvizError, InputError
from glassviz.io import load, n_frames
from glassviz.snapshot import IsoEnsemble, Snapshot

__version__ = "0.1.0"

__all__ = ["GlassvizError", "InputError", "IsoEnsemble", "Snapshot", "load", "n_frames", "__version__"]
