"""Bad input gives one error line naming the file and the problem, a non-zero exit, no traceback."""

import os

import numpy as np
import pytest

import glassviz
from tests.conftest import DEMO_GLASS, run_cli

GOOD = open(DEMO_GLASS).read()


def _write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text)
    return p


def _with_value(row, col, value):
    """The demo dump with one value of one line replaced."""
    lines = GOOD.splitlines()
    parts = lines[row].split()
    parts[col] = value
    lines[row] = " ".join(parts)
    return "\n".join(lines) + "\n"


def _one_line_error(rc, out, err, path, *words):
    assert rc == 2, (rc, err)
    assert "Traceback" not in err
    lines = [ln for ln in err.splitlines() if ln.strip() and not ln.startswith("glassviz: ") or "error" in ln]
    assert len(lines) == 1, err
    assert str(path) in lines[0], err
    for w in words:
        assert w in lines[0], err
    assert out == ""


def test_truncated_dump(tmp_path):
    p = _write(tmp_path, "trunc.dump", GOOD[: len(GOOD) // 2])
    _one_line_error(*run_cli("fields", p), p, "truncated")


def test_missing_position_columns(tmp_path):
    text = GOOD.replace("ITEM: ATOMS id type x y", "ITEM: ATOMS id type vx vy")
    p = _write(tmp_path, "nocols.dump", text)
    _one_line_error(*run_cli("fields", p), p, "no position columns")


def test_nan_coordinates(tmp_path):
    p = _write(tmp_path, "nan.dump", _with_value(20, 2, "nan"))
    _one_line_error(*run_cli("fields", p), p, "non-finite")


def test_empty_file(tmp_path):
    p = _write(tmp_path, "empty.dump", "")
    _one_line_error(*run_cli("fields", p), p, "empty file")


def test_unknown_extension(tmp_path):
    p = _write(tmp_path, "notes.txt", "hello\nworld\n")
    _one_line_error(*run_cli("fields", p), p, "unknown file type")


def test_nonexistent_path(tmp_path):
    p = tmp_path / "missing.dump"
    _one_line_error(*run_cli("fields", p), p, "no such file")


def test_frame_past_end():
    _one_line_error(*run_cli("fields", DEMO_GLASS, "--frame", "5"), DEMO_GLASS, "past the end")


def test_2d_file_read_as_3d_field():
    rc, out, err = run_cli("fields", DEMO_GLASS, "--fields", "compactness")
    _one_line_error(rc, out, err, DEMO_GLASS, "3D")


def test_wrong_type_column(tmp_path):
    p = _write(tmp_path, "badtype.dump", _with_value(12, 1, "1.5"))
    _one_line_error(*run_cli("fields", p), p, "type")


def test_not_a_dump_with_dump_extension(tmp_path):
    p = _write(tmp_path, "garbage.dump", "this is not a dump\n1 2 3\n")
    _one_line_error(*run_cli("fields", p), p, "not a LAMMPS dump")


def test_truncated_npz_and_pickle(tmp_path):
    from tests.conftest import BOTAN_FILES, DEEPMIND, need_shared

    for src, name in ((BOTAN_FILES[0], "cut.npz"), (DEEPMIND, "cut.pickle")):
        data = open(need_shared(src), "rb").read()
        p = tmp_path / name
        p.write_bytes(data[: len(data) // 3])
        with pytest.raises(glassviz.InputError) as exc:
            glassviz.load(p)
        assert str(p) in str(exc.value)


def test_pickle_with_code_is_refused(tmp_path):
    import pickle

    class Evil:
        def __reduce__(self):
            return (os.system, ("echo pwned",))

    p = tmp_path / "evil.pickle"
    p.write_bytes(pickle.dumps({"positions": Evil()}))
    with pytest.raises(glassviz.InputError, match="refusing"):
        glassviz.load(p)


def test_bad_output_extension_keeps_nothing_half_written(tmp_path):
    out = tmp_path / "table.xlsx"
    rc, _, err = run_cli("fields", DEMO_GLASS, "-o", out)
    assert rc == 2 and "unknown output extension" in err and not out.exists()


def test_existing_output_untouched_on_error(tmp_path):
    out = tmp_path / "keep.csv"
    out.write_text("precious\n")
    rc, _, err = run_cli("fields", tmp_path / "missing.dump", "-o", out)
    assert rc == 2 and out.read_text() == "precious\n"


def test_unrecognised_system_asks_for_sigma(tmp_path):
    from tests.conftest import STRUCTDYN, need_shared

    # the ternary KA2D file with its species relabelled 50:25:25 matches no known system
    lines = open(need_shared(STRUCTDYN)).read().split("ITEM: TIMESTEP")[1].strip().splitlines()
    atoms = lines[8:]
    relabelled = [f"{1 + (k % 2) * (1 + (k // 2) % 2)} {ln.split(None, 1)[1]}" for k, ln in enumerate(atoms)]
    path = tmp_path / "mixture.dump"
    path.write_text("\n".join(["ITEM: TIMESTEP", *lines[:8], *relabelled]) + "\n")
    rc, out, err = run_cli("fields", path, "--fields", "tong_tanaka")
    assert rc == 2 and "--sigma" in err and "Traceback" not in err
    rc, out, err = run_cli("fields", path, "--fields", "tong_tanaka",
                           "--sigma", "AA=1,AB=0.9,AC=0.95,BB=0.8,BC=0.85,CC=0.9")
    assert rc == 0, err
    assert np.isfinite(np.loadtxt(out.splitlines()[1:], delimiter=",")[:, -1]).all()
