"""glassviz train cnn|attention on the committed datasets, then classify with the result."""

import glob
import json
import os

import pytest

from tests.conftest import ASSETS, run_cli

KA2D = os.path.join(ASSETS, "datasets", "ka2d_T0.8_glass_T0.05")


def _files(directory, pattern, n):
    files = sorted(glob.glob(os.path.join(directory, pattern)))[:n]
    if len(files) < n:
        pytest.skip(f"dataset not present: {directory}")
    return files


def test_train_cnn_and_classify(glassviz_home, tmp_path):
    files = _files(KA2D, "config_*.npz", 10) + _files(KA2D, "glass_*.npz", 10)
    code, _, err = run_cli("train", "cnn", *files, "-o", "tiny_cnn", "--epochs", "2", "--val-frac", "0.2",
                           "--test-frac", "0.2", "--plot", tmp_path / "curves.png")
    assert code == 0, err
    from PIL import Image

    from glassviz.app.plotstyle import COLUMN_IN, DPI

    assert Image.open(tmp_path / "curves.png").size[0] == pytest.approx(2 * COLUMN_IN * DPI, abs=2)
    card = json.load(open(os.path.join(glassviz_home, "models", "tiny_cnn.json")))
    assert card["classes"] == ["liquid", "glass"] and card["kind"] == "classifier"
    assert card["accepts"]["grid"] == [80, 80] and card["class_temperatures"] == {"liquid": 0.8, "glass": 0.05}
    split = card["training"]["files"]
    # a liquid and the glass quenched from it are in the same split
    for part in split.values():
        ks = sorted(os.path.basename(f)[-8:] for f in part)
        assert ks[::2] == ks[1::2]
    code, out, err = run_cli("classify", "--model", "tiny_cnn", files[0], files[-1], "--json")
    assert code == 0, err
    assert [r["file"] for r in json.loads(out)] == [files[0], files[-1]]
    # a 2D CNN refuses a 3D snapshot with one line
    ka3d = sorted(glob.glob(os.path.join(ASSETS, "datasets", "ka3d_eq_T2.0", "config_*.npz")))[0]
    code, _, err = run_cli("classify", "--model", "tiny_cnn", ka3d)
    assert code != 0 and "is 3D but model 'tiny_cnn' is for 2D" in err and "Traceback" not in err


def test_train_attention_classes_are_temperatures(glassviz_home):
    d = os.path.join(ASSETS, "datasets")
    files = (_files(os.path.join(d, "ka3d_eq_T2.0"), "config_*.npz", 5)
             + _files(os.path.join(d, "ka3d_eq_T0.50"), "config_*.npz", 5))
    code, _, err = run_cli("train", "attention", *files, "-o", "tiny_att", "--epochs", "1", "--val-frac", "0.2",
                           "--test-frac", "0.2")
    assert code == 0, err
    card = json.load(open(os.path.join(glassviz_home, "models", "tiny_att.json")))
    assert card["classes"] == ["2", "0.5"] and card["graph"]["cutoff"] == 1.5
    assert set(card["metrics"]["test"]["per_class"]) == {"2", "0.5"}
    code, out, err = run_cli("fields", files[0], "--fields", "attention@tiny_att")
    assert code == 0, err
    values = [float(line.split(",")[-1]) for line in out.strip().splitlines()[1:]]
    assert len(values) == 1000 and abs(sum(values) / len(values) - 1) < 1e-4
