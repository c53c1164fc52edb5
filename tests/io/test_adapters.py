"""In-memory inputs: ase, MDAnalysis, gsd frames, freud systems, OVITO; the same fields as the files."""

import warnings

import numpy as np
import pytest

import glassviz
from glassviz.errors import InputError
from glassviz.fields import compute_fields
from tests.conftest import DEMO_GLASS

FIELDS3 = ["voronoi_volume", "coordination", "tong_tanaka", "steinhardt_q6"]
FIELDS2 = ["voronoi_volume", "coordination", "tong_tanaka", "hexatic_psi6"]


def _fields(snap, names):
    return compute_fields(snap, names)


def _same_fields(a, b, names, atol=0.0):
    fa, fb = _fields(a, names), _fields(b, names)
    for name in names:
        np.testing.assert_allclose(fa[name], fb[name], rtol=0, atol=atol, err_msg=name)


def test_ase_atoms_from_the_dump_give_the_same_fields(ka3d_dump):
    import ase.io

    frames = ase.io.read(ka3d_dump, format="lammps-dump-text", index=":")
    ref = glassviz.load(ka3d_dump, frame=1)
    s = glassviz.load(frames, frame=1)
    assert s.meta["format"] == "ase" and s.type_labels == ref.type_labels == (1, 2)
    np.testing.assert_array_equal(s.species, ref.species)
    np.testing.assert_allclose(s.file_positions, ref.file_positions, atol=1e-12)
    assert s.system().name == "KA3D" and glassviz.n_frames(frames) == 2
    _same_fields(s, ref, FIELDS3, atol=1e-12)


def test_ase_atoms_2d_symbols_and_ids():
    import ase

    ref = glassviz.load(DEMO_GLASS)
    pos = np.column_stack([ref.file_positions, np.zeros(ref.n)])
    atoms = ase.Atoms(symbols=np.where(ref.species == 0, "Ni", "P"), positions=pos,
                      cell=[ref.h[0, 0], ref.h[1, 1], 0.0], pbc=[True, True, False])
    atoms.set_array("id", ref.ids)
    s = glassviz.load(atoms)
    assert s.dim == 2 and s.type_labels == ("Ni", "P") and s.system().name == "KA2D"
    np.testing.assert_array_equal(s.ids, ref.ids)
    _same_fields(s, ref, FIELDS2, atol=1e-12)
    with pytest.raises(InputError, match="cannot read as 3D"):
        glassviz.load(atoms, dim=3)


def test_mdanalysis_universe_frames_and_atomgroup(ka3d_dump):
    import MDAnalysis as mda

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        u = mda.Universe(str(ka3d_dump), format="LAMMPSDUMP")
    assert glassviz.n_frames(u) == 2
    ref = glassviz.load(ka3d_dump, frame=1)
    s = glassviz.load(u, frame=1)
    assert u.trajectory.ts.frame == 0  # the trajectory is left where it was
    assert s.type_labels == (1, 2) and s.meta["frame"] == 1
    np.testing.assert_array_equal(s.ids, ref.ids)
    np.testing.assert_array_equal(s.species, ref.species)
    # MDAnalysis keeps float32 coordinates: equal to the dump to float32 precision
    np.testing.assert_allclose(s.file_positions, ref.file_positions, atol=2e-6)
    _same_fields(s, ref, FIELDS3, atol=1e-4)
    a_only = glassviz.load(u.select_atoms("type 1"))
    assert a_only.n == int((ref.species == 0).sum()) and a_only.type_labels == (1,)


def test_gsd_frame_in_memory_equals_the_gsd_file(tmp_path, ka3d_dump):
    import gsd.hoomd

    ref = glassviz.load(ka3d_dump)
    frame = gsd.hoomd.Frame()
    frame.particles.N = ref.n
    frame.particles.position = ref.positions.astype(np.float32)
    frame.particles.types = ["A", "B"]
    frame.particles.typeid = ref.species.astype(np.uint32)
    frame.configuration.box = [*np.diag(ref.h), 0, 0, 0]
    frame.configuration.step = 7
    s = glassviz.load(frame)
    with gsd.hoomd.open(tmp_path / "one.gsd", "w") as traj:
        traj.append(frame)
    from_file = glassviz.load(tmp_path / "one.gsd")
    assert s.type_labels == ("A", "B") and s.meta["timestep"] == 7
    # the file stores the box in float32, the frame in memory holds it in float64
    np.testing.assert_allclose(s.h, from_file.h, rtol=1e-7)
    np.testing.assert_allclose(s.positions, from_file.positions, atol=1e-5)
    _same_fields(s, from_file, ["voronoi_volume", "tong_tanaka"], atol=1e-4)
    _same_fields(s, ref, ["voronoi_volume", "tong_tanaka"], atol=1e-4)


def test_freud_system(ka3d_dump):
    import freud

    ref = glassviz.load(ka3d_dump)
    # box given as numbers: full precision, the same fields
    s = glassviz.load((list(np.diag(ref.h)), ref.positions), types=ref.species + 1, ids=ref.ids)
    assert s.type_labels == (1, 2) and s.system().name == "KA3D"
    _same_fields(s, ref, FIELDS3, atol=1e-12)
    # a freud Box (float32 lengths) and a NeighborQuery
    box = freud.box.Box.cube(float(ref.h[0, 0]))
    nq = freud.locality.AABBQuery(box, ref.positions.astype(np.float32))
    q = glassviz.load(nq)
    assert q.n == ref.n and q.n_species == 1
    assert abs(q.h[0, 0] - ref.h[0, 0]) < 1e-5
    with pytest.raises(InputError, match="types has shape"):
        glassviz.load((box, ref.positions), types=[1, 2])


def test_snapshot_passes_through_and_bad_objects_fail_in_one_line():
    ref = glassviz.load(DEMO_GLASS)
    assert glassviz.load(ref) is ref and glassviz.n_frames(ref) == 1
    with pytest.raises(InputError, match="cannot read a builtins.dict: glassviz.load takes a file path"):
        glassviz.load({"positions": [0, 0, 0]})
    with pytest.raises(InputError, match="past the end"):
        glassviz.load(ref, frame=2)


def test_ovito_data_collection_and_pipeline(ka3d_dump):
    pytest.importorskip("ovito", reason="ovito is an optional extra (glassviz[ovito])")
    from ovito.io import import_file

    pipeline = import_file(str(ka3d_dump))
    ref = glassviz.load(ka3d_dump, frame=1)
    assert glassviz.n_frames(pipeline) == 2
    for obj in (pipeline.compute(1), pipeline):
        s = glassviz.load(obj, frame=None if obj is not pipeline else 1)
        assert s.type_labels == (1, 2) and s.meta["timestep"] == 100
        np.testing.assert_array_equal(s.ids, ref.ids)
        np.testing.assert_allclose(s.file_positions, ref.file_positions, atol=1e-12)
    _same_fields(s, ref, ["voronoi_volume", "tong_tanaka"], atol=1e-12)
