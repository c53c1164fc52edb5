"""Explaining model predictions: shell ablation (Bapst et al.), Grad-CAM, attention."""
