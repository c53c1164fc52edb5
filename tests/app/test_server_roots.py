"""Data roots: "open by path" reaches only files under the roots, and a refused path gets one
line that does not tell whether it exists."""

import os
import shutil

import pytest

from glassviz.app.roots import OUTSIDE, DataRoots
from glassviz.app.state import Session
from glassviz.errors import InputError
from tests.conftest import DEMO_GLASS


@pytest.fixture
def tree(tmp_path):
    """root/ with a snapshot, a sub-folder and a link out of it; outside/ beside it."""
    root, outside = tmp_path / "root", tmp_path / "outside"
    (root / "sub").mkdir(parents=True)
    outside.mkdir()
    shutil.copy(DEMO_GLASS, root / "sub" / "glass.dump")
    shutil.copy(DEMO_GLASS, outside / "secret.dump")
    os.symlink(outside, root / "escape")
    os.symlink(outside / "secret.dump", root / "secret_link.dump")
    return root, outside


def test_inside_outside_dotdot_and_symlinks(tree):
    root, outside = tree
    roots = DataRoots([root])
    assert roots.allows(root / "sub" / "glass.dump")
    assert roots.allows(root / "sub" / "missing.dump")  # missing, inside: the reader says so
    assert not roots.allows(outside / "secret.dump")
    assert not roots.allows(root / "sub" / ".." / ".." / "outside" / "secret.dump")
    assert not roots.allows(root / "escape" / "secret.dump")
    assert not roots.allows(root / "secret_link.dump")
    # a sibling whose name starts like the root is not under it
    assert not roots.allows(str(root) + "2")
    assert roots.allows(outside / "secret.dump", extra=[outside])


def test_refusal_is_the_same_for_existing_and_missing_paths(tree):
    root, outside = tree
    roots = DataRoots([root])
    lines = []
    for path in (outside / "secret.dump", outside / "missing.dump", root / "escape" / "missing.dump"):
        with pytest.raises(InputError) as err:
            roots.check(path)
        assert str(err.value) == f"{path}: {OUTSIDE}"
        lines.append(str(err.value).replace(str(path), "PATH"))
    assert len(set(lines)) == 1
    assert roots.check(root / "sub" / "glass.dump") == str(root / "sub" / "glass.dump")


def test_session_opens_only_under_its_roots(tree):
    root, outside = tree
    s = Session([str(root / "sub" / "glass.dump")])
    s.roots = DataRoots([root])
    shown = s.path
    for path in (outside / "secret.dump", outside / "missing.dump", root / "escape" / "secret.dump"):
        assert s.open(str(path)) is False
        assert s.message == f"error: {path}: {OUTSIDE}"
        assert "\n" not in s.message
    assert s.path == shown and str(outside / "secret.dump") not in s.files.param.path.objects
    # a missing file inside the roots gets the readers' usual line
    assert s.open(str(root / "sub" / "missing.dump")) is False
    assert s.message == f"error: {root / 'sub' / 'missing.dump'}: no such file"
    assert s.open(str(root / "sub" / ".." / "sub" / "glass.dump")) is True
