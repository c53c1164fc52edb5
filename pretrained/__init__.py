"""``glassviz.pretrained``: the bundled models (weights as safetensors plus a JSON model card
each), shipped as package data; ``pyproject.toml`` maps this folder into the package.  Found
through :func:`glassviz.bundled.models_dir`; see README.md here for how each was trained and scored."""
