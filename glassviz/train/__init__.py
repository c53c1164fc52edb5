"""Training loops, datasets and evaluation for the glassviz models."""
