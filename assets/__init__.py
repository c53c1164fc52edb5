"""``glassviz.demo``: the bundled demo snapshots (README.md here says how each was made), shipped
as package data; ``pyproject.toml`` maps this folder into the package without ``datasets/`` and
``screenshots/``, which stay in the repository.  Found through :func:`glassviz.bundled.demo_files`."""
