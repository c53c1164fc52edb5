"""Per-particle structural indicators, freud style: settings in ``__init__``,
``compute(snapshot)`` returning self, results as properties."""

from glassviz.structure.coarse_grain import CoarseGrain
from glassviz.structure.neighbours import NeighbourList, VoronoiNeighbours
from glassviz.structure.normalise import minmax, one_minus
from glassviz.structure.steinhardt import Hexatic, Steinhardt
from glassviz.structure.tong_tanaka import Compactness, TongTanaka
from glassviz.structure.voronoi import VoronoiVolume

__all__ = ["CoarseGrain", "Compactness", "Hexatic", "NeighbourList", "Steinhardt", "TongTanaka",
           "VoronoiNeighbours", "VoronoiVolume", "minmax", "one_minus"]
