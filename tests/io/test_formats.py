"""Hand-written dumps (column orders, origins, multi-frame), extended XYZ and GSD."""

import numpy as np
import pytest

import glassviz
from glassviz.io.tables import extxyz_text

DUMP_FRAME = """ITEM: TIMESTEP
{step}
ITEM: NUMBER OF ATOMS
3
ITEM: BOX BOUNDS pp pp pp
10.0 20.0
-5.0 5.0
-0.5 0.5
ITEM: ATOMS y type id x
1.0 2 7 11.0
-4.0 1 3 19.5
4.5 1 5 {x3}
"""


def test_dump_any_column_order_and_origin(tmp_path):
    p = tmp_path / "t.lammpstrj"
    p.write_text(DUMP_FRAME.format(step=0, x3=15.0) + DUMP_FRAME.format(step=100, x3=21.0))
    s = glassviz.load(p)
    assert s.dim == 2 and s.ids.tolist() == [7, 3, 5]
    assert s.type_labels == (1, 2) and s.species.tolist() == [1, 0, 0]
    np.testing.assert_allclose(s.file_positions, [[11.0, 1.0], [19.5, -4.0], [15.0, 4.5]])
    np.testing.assert_allclose(s.offset, [15.0, 0.0])
    last = glassviz.load(p, frame=1)
    assert last.meta["timestep"] == 100
    np.testing.assert_allclose(last.file_positions[2], [11.0, 4.5])  # 21 wrapped into [10, 20)
    with pytest.raises(glassviz.InputError, match="frame 2 is past the end"):
        glassviz.load(p, frame=2)


def _cube_dump(path, columns, rows):
    """A one-frame dump in a 10^3 box starting at 0."""
    path.write_text("ITEM: TIMESTEP\n0\nITEM: NUMBER OF ATOMS\n%d\nITEM: BOX BOUNDS pp pp pp\n"
                    "0 10\n0 10\n0 10\nITEM: ATOMS %s\n%s\n" % (len(rows), columns, "\n".join(rows)))
    return path


def test_dump_3d_constant_z_is_2d(tmp_path):
    p = _cube_dump(tmp_path / "c.dump", "id type x y z", ["1 1 1 1 0", "2 1 5 5 0"])
    assert glassviz.load(p).dim == 2
    with pytest.raises(glassviz.InputError, match="every z is equal"):
        glassviz.load(p, dim=3)


def test_dump_string_type_labels(tmp_path):
    p = _cube_dump(tmp_path / "e.dump", "id element x y z", ["1 B 1 1 1", "2 A 5 5 5", "3 B 2 3 4"])
    s = glassviz.load(p)
    assert s.type_labels == ("A", "B") and s.species.tolist() == [1, 0, 1]
    assert s.labels.tolist() == ["B", "A", "B"]


def test_extxyz_roundtrip_with_fields(tmp_path, rng):
    from tests.helpers import make_snapshot

    h = np.array([[8.0, 1.0, 0.5], [0.0, 7.0, -0.7], [0.0, 0.0, 6.0]])
    s = make_snapshot(rng.random((50, 3)) @ h.T, h, species=rng.integers(0, 2, 50))
    p = tmp_path / "r.extxyz"
    p.write_text(extxyz_text(s, {"f": np.arange(50.0)}))
    back = glassviz.load(p)
    np.testing.assert_allclose(back.h, h, atol=1e-9)
    np.testing.assert_allclose(back.positions, s.positions, atol=1e-8)
    assert back.species.tolist() == s.species.tolist()
    assert back.ids.tolist() == s.ids.tolist()


def test_extxyz_general_lattice_is_rotated(tmp_path):
    # a cubic cell given with rotated lattice vectors: the reader must recover a cube
    c, s_ = np.cos(0.3), np.sin(0.3)
    R = np.array([[c, -s_, 0], [s_, c, 0], [0, 0, 1]])
    lattice = (R @ (5.0 * np.eye(3))).T  # rows are vectors
    pts = np.array([[1.0, 1.0, 1.0], [2.0, 1.0, 1.0]]) @ R.T
    text = "2\nLattice=\"" + " ".join(f"{v:.15g}" for v in lattice.ravel()) + \
        "\" Properties=species:S:1:pos:R:3\nA " + " ".join(map(str, pts[0])) + "\nB " + \
        " ".join(map(str, pts[1])) + "\n"
    p = tmp_path / "rot.xyz"
    p.write_text(text)
    snap = glassviz.load(p)
    np.testing.assert_allclose(snap.h, 5.0 * np.eye(3), atol=1e-12)
    d = snap.positions[1] - snap.positions[0]
    assert np.linalg.norm(d) == pytest.approx(1.0)


def test_extxyz_2d_roundtrip(tmp_path, rng):
    from tests.helpers import make_snapshot

    h = np.diag([9.0, 6.0])
    s = make_snapshot(rng.random((30, 2)) @ h.T, h)
    p = tmp_path / "two.extxyz"
    p.write_text(extxyz_text(s, {}))
    back = glassviz.load(p)
    assert back.dim == 2
    np.testing.assert_allclose(back.file_positions, s.file_positions, atol=1e-8)


def test_gsd(tmp_path, rng):
    gsd_hoomd = pytest.importorskip("gsd.hoomd")
    p = tmp_path / "t.gsd"
    with gsd_hoomd.open(str(p), "w") as f:
        for step in (0, 10):
            fr = gsd_hoomd.Frame()
            fr.configuration.step = step
            fr.configuration.box = [6.0, 5.0, 4.0, 0.2, 0.0, 0.1]
            fr.configuration.dimensions = 3
            fr.particles.N = 40
            fr.particles.types = ["A", "B"]
            fr.particles.typeid = np.r_[np.zeros(30, int), np.ones(10, int)].astype(np.uint32)
            fr.particles.position = ((rng.random((40, 3)) - 0.5) * [6.0, 5.0, 4.0] * 0.9).astype(np.float32)
            f.append(fr)
    assert glassviz.n_frames(p) == 2
    s = glassviz.load(p, frame=1)
    assert s.meta["timestep"] == 10 and s.n == 40 and s.dim == 3
    assert s.type_labels == ("A", "B") and s.species_counts.tolist() == [30, 10]
    np.testing.assert_allclose(s.h, [[6.0, 0.2 * 5.0, 0.0], [0.0, 5.0, 0.1 * 4.0], [0.0, 0.0, 4.0]], rtol=1e-6)
