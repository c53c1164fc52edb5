"""Voronoi volume Υ and coordination number (Voronoi neighbour count).

Oyama, Koyama & Kawasaki, Front. Phys. 10, 1007861 (2023), Sec. II C: the periodic Voronoi
cell of particle i, Υ_i = V(cell_i) (an area in 2D), from
:mod:`glassviz.structure.voronoi_cells`.  The cells tile the
box: sum_i Υ_i = V.
"""

from __future__ import annotations

import numpy as np

from glassviz.structure.neighbours import VoronoiNeighbours


class VoronoiVolume:
    """Per-particle Voronoi volume (area in 2D) and Voronoi coordination number.

    Example
    -------
    >>> vv = VoronoiVolume().compute(snapshot)
    >>> vv.volumes.sum()  # == snapshot.volume

    Attributes (after ``compute``)
    ------------------------------
    volumes : (N,) float64, cell volumes (LJ sigma^d).
    coordination : (N,) int64, number of Voronoi neighbours.
    neighbours : the VoronoiNeighbours used (reusable by other indicators).
    """

    def __init__(self):
        self._vor = None

    def compute(self, snapshot, neighbours: VoronoiNeighbours | None = None) -> "VoronoiVolume":
        self._vor = neighbours if neighbours is not None else VoronoiNeighbours().compute(snapshot)
        return self

    @property
    def volumes(self) -> np.ndarray:
        return self._vor.volumes

    @property
    def coordination(self) -> np.ndarray:
        return self._vor.nlist.counts

    @property
    def neighbours(self) -> VoronoiNeighbours:
        return self._vor
