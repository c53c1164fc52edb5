import pytest

from tests.conftest import DEEPMIND, need_shared


@pytest.fixture
def deepmind_full(tmp_path):
    """A pickle in the layout of DeepMind's full-size files, built from their toy file:
    targets at all 10 horizons, replica positions of horizon 3 only, no start velocities.
    Returns (path, the dict written)."""
    from tests.io.fixtures.deepmind_full import write_full_layout

    path = tmp_path / "full_layout.pickle"
    return path, write_full_layout(need_shared(DEEPMIND), path, keep=(3,))


@pytest.fixture(scope="module")
def ka3d_dump(tmp_path_factory):
    """A two-frame LAMMPS dump (id type x y z, box 0..L) of a T = 0.44 KA3D configuration
    (N = 4096, pyg_botan); frame 1 moves every particle a little."""
    import numpy as np

    import glassviz
    from tests.conftest import BOTAN_FILES

    s = glassviz.load(need_shared(BOTAN_FILES[0]))
    L = np.diag(s.h)
    x0 = np.mod(s.file_positions, L)
    path = tmp_path_factory.mktemp("dump") / "ka3d_T0.44.dump"
    with open(path, "w") as fh:
        for step, x in ((0, x0), (100, np.mod(x0 + 0.05 * np.sin(np.arange(s.n))[:, None], L))):
            fh.write(f"ITEM: TIMESTEP\n{step}\nITEM: NUMBER OF ATOMS\n{s.n}\nITEM: BOX BOUNDS pp pp pp\n")
            fh.write("".join(f"0 {v:.10f}\n" for v in L))
            fh.write("ITEM: ATOMS id type x y z\n")
            fh.write("".join(f"{i + 1} {t + 1} {p[0]:.8f} {p[1]:.8f} {p[2]:.8f}\n"
                             for i, (t, p) in enumerate(zip(s.species, x))))
    return path
