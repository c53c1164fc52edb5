"""Converters from published checkpoints to glassviz models."""
