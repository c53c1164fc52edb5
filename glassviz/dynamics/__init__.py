"""Dynamical quantities from isoconfigurational ensembles."""

from glassviz.dynamics.propensity import propensity, replica_displacements

__all__ = ["propensity", "replica_displacements"]
