"""Dynamical quantities from isoconfigurational ensembles and trajectories."""

from glassviz.dynamics.cage import cage_msd, cage_propensity, cage_relative, cage_rms_displacement
from glassviz.dynamics.pairs import bond_breakage, pair_distance_change
from glassviz.dynamics.propensity import propensity, replica_displacements
from glassviz.dynamics.scattering import ensemble_scattering, self_intermediate_scattering, tau_alpha

__all__ = ["propensity", "replica_displacements", "cage_propensity", "cage_relative", "cage_msd", "cage_rms_displacement", "pair_distance_change",
           "bond_breakage", "self_intermediate_scattering", "ensemble_scattering", "tau_alpha"]
