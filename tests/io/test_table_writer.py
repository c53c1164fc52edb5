"""The streaming table writer: pieces appended, the file named only when complete."""

import os

import numpy as np
import pandas as pd
import pytest

from glassviz.errors import GlassvizError
from glassviz.io.tables import TableWriter


def piece(file, n=3, dims="xy"):
    cols = {"file": [file] * n, "frame": np.zeros(n, np.int64), "timestep": pd.array([None] * n, dtype="Int64"),
            "id": np.arange(n), "type": [1] * n}
    cols.update({a: np.linspace(0, 1, n) for a in dims})
    return pd.DataFrame(cols)


@pytest.mark.parametrize("ext", [".csv", ".parquet"])
def test_pieces_read_back_as_one_table(tmp_path, ext):
    out = str(tmp_path / f"t{ext}")
    with TableWriter(out, row_group_rows=4) as w:
        for k in range(5):
            w.write(piece(f"f{k}"))
        assert not os.path.exists(out)  # named only at the end
    back = pd.read_csv(out) if ext == ".csv" else pd.read_parquet(out)
    assert back["file"].tolist() == [f"f{k}" for k in range(5) for _ in range(3)]
    assert back["timestep"].isna().all() and w.rows == 15
    assert os.listdir(tmp_path) == [os.path.basename(out)]


def test_2d_and_3d_pieces_cannot_share_a_table(tmp_path):
    out = str(tmp_path / "t.parquet")
    with pytest.raises(GlassvizError, match="b.dump: its columns"):
        with TableWriter(out) as w:
            w.write(piece("a.dump"))
            w.write(piece("b.dump", dims="xyz"))
    assert os.listdir(tmp_path) == []


def test_bad_outputs_are_one_line(tmp_path):
    with pytest.raises(GlassvizError, match="unknown output extension '.txt'"):
        TableWriter(str(tmp_path / "t.txt"))
    with pytest.raises(GlassvizError, match="does not exist"):
        TableWriter(str(tmp_path / "no" / "t.csv"))
    with pytest.raises(GlassvizError, match="no rows"):
        with TableWriter(str(tmp_path / "t.parquet")):
            pass
    assert os.listdir(tmp_path) == []


def test_csv_on_stdout_has_one_header(capsys):
    with TableWriter("-") as w:
        w.write(piece("a"))
        w.write(piece("b"))
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("file,frame,timestep") and len(lines) == 7
