"""Multi-frame extended XYZ for a trajectory: read back by glassviz, ase (index=':') and OVITO."""

import numpy as np
import pytest

import glassviz
from glassviz.errors import InputError
from glassviz.fields import compute_fields
from glassviz.io.extxyz import ExtxyzTrajectoryWriter, write_trajectory
from tests.conftest import DEMO_GLASS

NAMES = ["voronoi_volume", "coordination"]


def _frames(path, n):
    for k in range(n):
        s = glassviz.load(path, frame=k)
        yield s, compute_fields(s, NAMES)


def test_trajectory_reads_back_in_glassviz_and_ase(tmp_path, ka3d_dump):
    import ase.io

    out = tmp_path / "traj.extxyz"
    assert write_trajectory(out, _frames(ka3d_dump, 2)) == 2
    assert glassviz.n_frames(out) == 2
    frames = ase.io.read(out, index=":")
    assert len(frames) == 2
    for k in range(2):
        ref = glassviz.load(ka3d_dump, frame=k)
        fields = compute_fields(ref, NAMES)
        back = glassviz.load(out, frame=k)
        np.testing.assert_allclose(back.file_positions, ref.file_positions, atol=1e-8)
        np.testing.assert_array_equal(back.ids, ref.ids)
        assert back.type_labels == (1, 2) and back.meta["timestep"] == ref.meta["timestep"]
        atoms = frames[k]
        np.testing.assert_allclose(atoms.positions, ref.file_positions, atol=1e-8)
        np.testing.assert_allclose(atoms.cell[:], ref.h.T, atol=1e-9)
        assert list(atoms.pbc) == [True, True, True] and atoms.info["Timestep"] == ref.meta["timestep"]
        np.testing.assert_array_equal(atoms.arrays["id"], ref.ids)
        np.testing.assert_array_equal(atoms.arrays["type"], ref.labels.astype(int))
        np.testing.assert_allclose(atoms.arrays["voronoi_volume"], fields["voronoi_volume"], rtol=1e-9)
        # and ase's Atoms come back through the adapter as the same snapshot
        again = glassviz.load(frames, frame=k)
        np.testing.assert_allclose(again.positions, ref.positions, atol=1e-8)
        assert again.type_labels == (1, 2)


def test_two_dimensional_trajectory_with_text_labels_and_model_field_names(tmp_path):
    import ase.io

    glass = glassviz.load(DEMO_GLASS)
    glass.type_labels = ("A", "B")  # text labels are written as type:S:1
    out = tmp_path / "glass2d.extxyz"
    with ExtxyzTrajectoryWriter(out) as w:
        for k in range(3):
            w.write(glass, {"propensity@my_model_T0.44": np.full(glass.n, float(k))}, info={"frame": k})
    frames = ase.io.read(out, index=":")
    assert len(frames) == 3 and list(frames[0].pbc) == [True, True, False]
    assert frames[2].info["frame"] == 2 and set(frames[0].arrays["type"]) == {"A", "B"}
    np.testing.assert_array_equal(frames[2].arrays["propensity@my_model_T0.44"], 2.0)
    back = glassviz.load(out, frame=2)
    assert back.dim == 2 and back.type_labels == ("A", "B")
    np.testing.assert_allclose(back.positions, glass.positions, atol=1e-8)


def test_interrupted_writer_leaves_no_file(tmp_path):
    glass = glassviz.load(DEMO_GLASS)
    out = tmp_path / "x.extxyz"
    with pytest.raises(RuntimeError), ExtxyzTrajectoryWriter(out) as w:
        w.write(glass)
        raise RuntimeError("stop")
    assert not out.exists() and not (tmp_path / "x.extxyz.part").exists()
    with pytest.raises(InputError, match="does not exist"):
        ExtxyzTrajectoryWriter(tmp_path / "missing" / "x.extxyz")


def test_ovito_opens_the_trajectory(tmp_path, ka3d_dump):
    pytest.importorskip("ovito", reason="ovito is an optional extra (glassviz[ovito])")
    from ovito.io import import_file

    out = tmp_path / "traj.extxyz"
    write_trajectory(out, _frames(ka3d_dump, 2))
    pipeline = import_file(str(out), multiple_frames=True)
    assert pipeline.source.num_frames == 2
    data = pipeline.compute(1)
    ref = glassviz.load(ka3d_dump, frame=1)
    assert data.attributes["Timestep"] == 100
    assert {"Particle Type", "Position", "Particle Identifier", "voronoi_volume"} <= set(data.particles.keys())
    np.testing.assert_array_equal(np.asarray(data.particles.identifiers), ref.ids)
    np.testing.assert_allclose(np.asarray(data.particles.positions), ref.file_positions, atol=1e-8)
    np.testing.assert_allclose(np.asarray(data.cell[...])[:, 3], [0, 0, 0], atol=1e-12)
    np.testing.assert_allclose(np.asarray(data.particles["voronoi_volume"]),
                               compute_fields(ref, ["voronoi_volume"])["voronoi_volume"], rtol=1e-9)
