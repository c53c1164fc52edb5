"""The files shipped inside the glassviz package: the bundled models and the demo snapshots.

Both are package data found through :mod:`importlib.resources`, so they are found the same way
in a source checkout installed with ``pip install -e .``, in an installed wheel, and from any
working directory.  In the repository they keep their place at the top (DESIGN.md, "Layout");
``pyproject.toml`` maps them into the package:

* ``glassviz.pretrained`` is ``pretrained/``: ``NAME.safetensors`` and its model card
  ``NAME.json`` for each bundled model, and the README that scores them;
* ``glassviz.demo`` is ``assets/``: the three demo snapshots (:data:`DEMO_FILES`), the KA3D
  demo's ``card.json`` and the README saying how each was made.

The training datasets (``assets/datasets/``) and the screenshots stay in the repository only.
"""

from __future__ import annotations

import importlib.resources
import pathlib

from glassviz.errors import GlassvizError

MODELS_PACKAGE = "glassviz.pretrained"
DEMO_PACKAGE = "glassviz.demo"

# the demo the dashboard opens when it is given no file: the N = 4096 KA3D configuration with its
# isoconfigurational ensemble (T = 0.64), then the KA2D glass and liquid the CNN tells apart
DEMO_FILES = ("ka3d_T0.64_N4096/config_0000.npz", "ka2d_glass_T0.05.dump", "ka2d_liquid_T0.8.dump")


def _package_dir(package: str) -> pathlib.Path:
    """The folder of a data package as a file-system path (an installed wheel is unpacked, an
    editable install points into the repository)."""
    try:
        where = importlib.resources.files(package)
    except ModuleNotFoundError:
        raise GlassvizError(f"the bundled package data {package!r} is not installed: install glassviz "
                            "(`pip install -e .` in a source checkout) instead of only putting it on PYTHONPATH"
                            ) from None
    if not isinstance(where, pathlib.Path):
        raise GlassvizError(f"{package} is inside an archive ({where}); glassviz needs it unpacked on disk")
    return where


def models_dir() -> pathlib.Path:
    """Folder holding the bundled models (``NAME.safetensors`` + ``NAME.json``)."""
    return _package_dir(MODELS_PACKAGE)


def demo_dir() -> pathlib.Path:
    """Folder holding the demo snapshots and their README."""
    return _package_dir(DEMO_PACKAGE)


def demo_files() -> list[str]:
    """Paths of the demo snapshots, in the order the dashboard lists them (:data:`DEMO_FILES`)."""
    root = demo_dir()
    paths = [root / name for name in DEMO_FILES]
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        raise GlassvizError(f"bundled demo file(s) missing: {', '.join(missing)} (a broken glassviz install)")
    return [str(p) for p in paths]
