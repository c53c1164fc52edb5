"""gzip / bzip2 compressed inputs, read through glassviz.io.compression by every text reader."""

import bz2
import gzip
import os
from pathlib import Path

import numpy as np
import pytest

import glassviz
from glassviz.errors import InputError
from glassviz.io import compression
from tests.conftest import DEMO_GLASS, run_cli


def _compress(src, dst, opener):
    with open(src, "rb") as fin, opener(dst, "wb") as fout:
        fout.write(fin.read())
    return dst


@pytest.mark.parametrize("suffix,opener", [(".gz", gzip.open), (".bz2", bz2.open)])
def test_compressed_dump_frames(tmp_path, ka3d_dump, suffix, opener):
    path = _compress(ka3d_dump, tmp_path / f"ka3d_T0.44.dump{suffix}", opener)
    assert glassviz.n_frames(path) == 2
    for k in (0, 1, -1):
        s, ref = glassviz.load(path, frame=k), glassviz.load(ka3d_dump, frame=k)
        np.testing.assert_array_equal(s.positions, ref.positions)
        np.testing.assert_array_equal(s.ids, ref.ids)
        assert s.meta["timestep"] == ref.meta["timestep"]
    assert s.meta["source"] == str(path) and s.meta["compression"] == ("gzip" if suffix == ".gz" else "bzip2")
    assert s.temperature == 0.44  # from the user's file name


def test_compressed_extxyz_and_data_files(tmp_path):
    from glassviz.io.tables import extxyz_text

    ref = glassviz.load(DEMO_GLASS)
    xyz = tmp_path / "glass.extxyz"
    xyz.write_text(extxyz_text(ref, {}))
    s = glassviz.load(_compress(xyz, tmp_path / "glass.extxyz.gz", gzip.open))
    np.testing.assert_allclose(s.file_positions, ref.file_positions, atol=1e-9)
    data = tmp_path / "small.data"
    data.write_text("LAMMPS data\n\n2 atoms\n1 atom types\n0 2 xlo xhi\n0 2 ylo yhi\n0 2 zlo zhi\n\nAtoms # atomic\n\n"
                    "1 1 0.5 0.5 0.5\n2 1 1.5 1.5 1.5\n")
    s = glassviz.load(_compress(data, tmp_path / "small.data.bz2", bz2.open))
    assert s.n == 2 and s.meta["format"] == "lammps-data"


def test_corrupt_and_truncated_archives_fail_in_one_line(tmp_path):
    raw = Path(DEMO_GLASS).read_bytes()
    good = gzip.compress(raw)
    cut = tmp_path / "cut.dump.gz"
    cut.write_bytes(good[: len(good) // 2])
    with pytest.raises(InputError, match=r"cut.dump.gz: truncated or corrupt gzip file"):
        glassviz.load(cut)
    bad = tmp_path / "bad.dump.bz2"
    bad.write_bytes(b"BZh9" + b"\x00" * 100)
    rc, _, err = run_cli("fields", bad)
    assert rc != 0 and "bad.dump.bz2: truncated or corrupt bzip2 file" in err and "Traceback" not in err
    # an error inside the decompressed content names the user's file, not the temporary copy
    broken = tmp_path / "broken.dump.gz"
    broken.write_bytes(gzip.compress(raw[: len(raw) // 3]))
    with pytest.raises(InputError) as info:
        glassviz.load(broken)
    assert info.value.path == str(broken) and "truncated" in str(info.value)


def test_decompressed_copies_are_bounded(tmp_path):
    raw = Path(DEMO_GLASS).read_bytes()
    paths = [tmp_path / f"g{k}.dump.gz" for k in range(compression.KEEP + 2)]
    for k, p in enumerate(paths):
        p.write_bytes(gzip.compress(raw, mtime=k))
    copies = [compression.plain_path(p) for p in paths]
    assert sum(os.path.exists(c) for c in copies) == compression.KEEP
    assert compression.plain_path(paths[-1]) == copies[-1]  # cached
    assert compression.plain_path(DEMO_GLASS) == DEMO_GLASS  # plain files are read in place
