"""Dynamical quantities from isoconfigurational ensembles and trajectories."""

from glassviz.dynamics.cage import cage_propensity, cage_relative
from glassviz.dynamics.pairs import bond_breakage, pair_distance_change
from glassviz.dynamics.propensity import propensity, replica_displacements
from glassviz.dynamics.scattering import ensemble_scattering, self_intermediate_scattering, tau_alpha

__all__ = ["propensity", "replica_displacements", "cage_propensity", "cage_relative", "pair_distance_change",
           "bond_breakage", "self_intermediate_scattering", "ensemble_scattering", "tau_alpha"]
