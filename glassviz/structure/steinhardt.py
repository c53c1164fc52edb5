"""Bond-orientational order over Voronoi neighbours: Steinhardt q_l, w_l (3D) and hexatic psi_6 (2D).

Steinhardt, Nelson & Ronchetti, PRB 28, 784 (1983); weighted by the Voronoi facets as the
Minkowski structure metrics of Mickel et al., J. Chem. Phys. 138, 044501 (2013).  For particle i
with Voronoi neighbours j, unit bond vectors r_ij/|r_ij| at polar angle theta_ij and azimuth
phi_ij, and facet weights w_ij (the area A_ij of the shared face in 3D, the length of the shared
edge in 2D):

    q_lm(i) = sum_j w_ij Y_lm(theta_ij, phi_ij) / sum_j w_ij

    q_l(i)  = sqrt( 4 pi / (2l + 1) sum_{m=-l..l} |q_lm(i)|^2 )

    w_l(i)  = sum_{m1+m2+m3=0} (l l l; m1 m2 m3) q_lm1(i) q_lm2(i) q_lm3(i)
              / ( sum_m |q_lm(i)|^2 )^{3/2}            (the normalised w-hat_l of Steinhardt)

    psi_6(i) = sum_j w_ij exp(6 i theta_ij) / sum_j w_ij      (2D, theta_ij the bond angle)

with (l l l; m1 m2 m3) the Wigner 3-j symbols.  The field ``hexatic_psi6`` is the modulus
|psi_6(i)| in [0, 1] (1 on a perfect triangular lattice), not the complex value.

Why facet weights: a Voronoi neighbour list changes by whole neighbours under tiny
displacements (a vanishing facet still counts fully in the unweighted sums), so unweighted q_l
jump; weighted by A_ij the metrics are continuous, and on the perfect lattices, whose
tessellations are degenerate, they do not depend on the numerical tie-breaking.  Known values
(all facets of the fcc and hcp cells have equal area, so weighted = unweighted there): fcc
q4 = 0.190941, q6 = 0.574524, w6 = -0.013161; hcp q4 = 0.097222, q6 = 0.484762,
w6 = -0.012442; bcc (14 facets: 8 hexagons along <111>, 6 squares along <100>, weighted) see
the tests, which derive them from the ideal cell.

The neighbour list is the one the field context already holds
(:meth:`glassviz.fields.registry.FieldContext.voronoi`); the sums run in freud
(``freud.order.Steinhardt`` / ``freud.order.Hexatic``) on glassviz's float64 bond vectors.
"""

from __future__ import annotations

import numpy as np

from glassviz.errors import InputError


def _freud_nlist(voronoi):
    import freud

    nl = voronoi.nlist
    return freud.locality.NeighborList.from_arrays(nl.n, nl.n, nl.i, nl.j, nl.vectors if nl.vectors.shape[1] == 3
                                                   else np.column_stack([nl.vectors, np.zeros(len(nl.i))]),
                                                   nl.weights)


def _neighbours(snapshot, voronoi):
    if voronoi is None:
        from glassviz.structure.neighbours import VoronoiNeighbours

        voronoi = VoronoiNeighbours().compute(snapshot)
    return voronoi


class Steinhardt:
    """Per-particle Steinhardt order q_l or normalised w_l over Voronoi neighbours (3D).

    Parameters
    ----------
    l : int, spherical-harmonic degree (4, 6, ...).
    wl : compute the normalised w-hat_l instead of q_l.
    weighted : weight each neighbour by its Voronoi facet area (default, Mickel et al. 2013).

    Attributes (after ``compute``)
    ------------------------------
    order : (N,) float64.
    """

    def __init__(self, l: int, wl: bool = False, weighted: bool = True):
        self.l, self.wl, self.weighted = int(l), bool(wl), bool(weighted)
        self._order = None

    def compute(self, snapshot, voronoi=None) -> Steinhardt:
        """``voronoi``: a computed :class:`~glassviz.structure.neighbours.VoronoiNeighbours` of
        ``snapshot`` (computed here when None)."""
        import freud

        if snapshot.dim != 3:
            raise InputError(snapshot.source, f"Steinhardt q_l/w_l need a 3D snapshot; this one is {snapshot.dim}D "
                             f"(use hexatic_psi6 in 2D)")
        voronoi = _neighbours(snapshot, voronoi)
        op = freud.order.Steinhardt(self.l, wl=self.wl, weighted=self.weighted, wl_normalize=self.wl)
        op.compute((snapshot.box, snapshot.freud_positions.astype(np.float32)), neighbors=_freud_nlist(voronoi))
        self._order = np.asarray(op.particle_order, dtype=np.float64).reshape(-1).copy()
        return self

    @property
    def order(self) -> np.ndarray:
        return self._order


class Hexatic:
    """Per-particle hexatic order psi_k = <exp(i k theta_ij)> over Voronoi neighbours (2D).

    Parameters
    ----------
    k : symmetry (6 for hexatic order).
    weighted : weight each neighbour by the length of the shared Voronoi edge (default).

    Attributes (after ``compute``)
    ------------------------------
    psi : (N,) complex128; ``modulus`` : (N,) float64, |psi_k| in [0, 1].
    """

    def __init__(self, k: int = 6, weighted: bool = True):
        self.k, self.weighted = int(k), bool(weighted)
        self._psi = None

    def compute(self, snapshot, voronoi=None) -> Hexatic:
        import freud

        if snapshot.dim != 2:
            raise InputError(snapshot.source, f"hexatic order needs a 2D snapshot; this one is {snapshot.dim}D "
                             f"(use the Steinhardt fields in 3D)")
        voronoi = _neighbours(snapshot, voronoi)
        op = freud.order.Hexatic(k=self.k, weighted=self.weighted)
        op.compute((snapshot.box, snapshot.freud_positions.astype(np.float32)), neighbors=_freud_nlist(voronoi))
        self._psi = np.asarray(op.particle_order, dtype=np.complex128).copy()
        return self

    @property
    def psi(self) -> np.ndarray:
        return self._psi

    @property
    def modulus(self) -> np.ndarray:
        return np.abs(self._psi)


def steinhardt_q4(snapshot, voronoi=None) -> np.ndarray:
    """(N,) facet-weighted q_4 over Voronoi neighbours (3D)."""
    return Steinhardt(4).compute(snapshot, voronoi).order


def steinhardt_q6(snapshot, voronoi=None) -> np.ndarray:
    """(N,) facet-weighted q_6 over Voronoi neighbours (3D)."""
    return Steinhardt(6).compute(snapshot, voronoi).order


def steinhardt_w6(snapshot, voronoi=None) -> np.ndarray:
    """(N,) facet-weighted, normalised w-hat_6 over Voronoi neighbours (3D)."""
    return Steinhardt(6, wl=True).compute(snapshot, voronoi).order


def hexatic_psi6(snapshot, voronoi=None) -> np.ndarray:
    """(N,) |psi_6| over Voronoi neighbours, edge-length weighted (2D)."""
    return Hexatic(6).compute(snapshot, voronoi).modulus
