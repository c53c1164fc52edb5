"""Analyses over fields and snapshots: correlation tables."""

from glassviz.analysis.correlation import correlation_table

__all__ = ["correlation_table"]
