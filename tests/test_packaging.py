"""What the wheel will hold, checked from pyproject.toml and the repository without building it
(tests/test_wheel.py builds and installs one)."""

import glob
import os
import tomllib

import glassviz.bundled as bundled
from tests.conftest import ROOT

with open(os.path.join(ROOT, "pyproject.toml"), "rb") as _fh:
    SETUPTOOLS = tomllib.load(_fh)["tool"]["setuptools"]


def package_folder(package: str) -> str:
    mapped = SETUPTOOLS.get("package-dir", {})
    if package in mapped:
        return os.path.join(ROOT, mapped[package])
    return os.path.join(ROOT, *package.split("."))


def test_every_subpackage_of_glassviz_is_listed():
    on_disk = {os.path.relpath(os.path.dirname(p), ROOT).replace(os.sep, ".")
               for p in glob.glob(os.path.join(ROOT, "glassviz", "**", "__init__.py"), recursive=True)}
    listed = set(SETUPTOOLS["packages"])
    missing = sorted(on_disk - listed)
    assert not missing, f"add {missing} to [tool.setuptools] packages in pyproject.toml"
    for package in listed:
        assert os.path.isfile(os.path.join(package_folder(package), "__init__.py")), package


def test_data_packages_are_the_ones_glassviz_reads():
    assert {bundled.MODELS_PACKAGE, bundled.DEMO_PACKAGE} <= set(SETUPTOOLS["package-data"])
    assert package_folder(bundled.MODELS_PACKAGE) == os.path.join(ROOT, "pretrained")
    assert package_folder(bundled.DEMO_PACKAGE) == os.path.join(ROOT, "assets")


def _shipped(package: str) -> set:
    folder = package_folder(package)
    out = set()
    for pattern in SETUPTOOLS["package-data"][package]:
        hits = glob.glob(os.path.join(folder, pattern))
        assert hits, f"package-data pattern {pattern!r} of {package} matches no file"
        out |= {os.path.relpath(h, folder) for h in hits}
    return out


def test_every_bundled_model_and_demo_file_is_package_data():
    models = _shipped(bundled.MODELS_PACKAGE)
    folder = package_folder(bundled.MODELS_PACKAGE)
    weights = {os.path.basename(p) for p in glob.glob(os.path.join(folder, "*.safetensors"))}
    assert len(weights) >= 9 and weights <= models
    assert {w.replace(".safetensors", ".json") for w in weights} <= models
    demo = _shipped(bundled.DEMO_PACKAGE)
    assert set(bundled.DEMO_FILES) | {"README.md"} <= demo
    # training data, their scripts and the screenshots stay in the repository
    assert not any(p.startswith(("datasets", "screenshots")) or p.endswith(".py") for p in demo)
    assert SETUPTOOLS["include-package-data"] is False


def test_bundled_lookup_finds_the_files():
    files = bundled.demo_files()
    assert [os.path.relpath(f, bundled.demo_dir()) for f in files] == list(bundled.DEMO_FILES)
    assert all(os.path.isfile(f) for f in files)
    assert (bundled.models_dir() / "README.md").is_file()
