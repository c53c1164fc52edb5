"""The curve figures: shell ablation (Bapst Fig. 4), prediction against truth, learning curves.
Each is checked in the written file: PDF text, SVG text and line styles, PNG pixel size."""

import glob
import json
import os
import re

import numpy as np
import pandas as pd
import pytest
from PIL import Image
from pypdf import PdfReader

from glassviz.app.ablation_plot import plot_ablation
from glassviz.app.evaluation_plot import EvaluationSeries, plot_evaluation
from glassviz.app.learning_plot import best_epoch, plot_learning_curves, read_log
from glassviz.app.plotstyle import DPI
from glassviz.errors import GlassvizError, InputError
from tests.conftest import ROOT


def pdf_text(path) -> str:
    return " ".join(page.extract_text() for page in PdfReader(path).pages)


def ablation_table(modes=("keep", "stretch")):
    n = np.arange(1, 8)
    data = {"n": n, "full": 0.8}
    if "keep" in modes:
        data["keep"] = 0.8 - 0.3 * np.exp(-n)
        data["kept_particles"] = 10 * n ** 3
    if "stretch" in modes:
        data["stretch_delta_0.1"] = 0.8 + 0.2 * np.exp(-n)
    data["shell_size"] = 10 * n ** 2
    return pd.DataFrame(data)


def test_ablation_svg_has_both_modes_the_dashed_full_prediction_and_the_labels(tmp_path):
    path = plot_ablation(ablation_table(), str(tmp_path / "curve.svg"), title="m, particle 7")
    svg = open(path).read()
    for text in ("shell n", "prediction for the marked particle", "(a) keep shells ≤ n",
                 "(b) shells &gt; n moved out by δ = 0.1", "full configuration", "m, particle 7"):
        assert text in svg, text
    # the full prediction: one dashed line per panel
    assert len(re.findall(r"stroke-dasharray", svg)) >= 2


def test_ablation_png_size_and_single_mode(tmp_path):
    path = plot_ablation(ablation_table(("keep",)), str(tmp_path / "curve.png"))
    width, height = Image.open(path).size
    assert height == pytest.approx(2.5 * DPI, abs=2) and width < 2.5 * DPI * 1.5  # one panel
    two = plot_ablation(ablation_table(), str(tmp_path / "both.png"))
    assert Image.open(two).size[0] > width


def test_ablation_pdf_keeps_text(tmp_path):
    text = pdf_text(plot_ablation(ablation_table(), str(tmp_path / "curve.pdf")))
    assert "shell n" in text and "full configuration" in text


def test_ablation_refuses_empty_tables_and_unknown_formats(tmp_path):
    with pytest.raises(GlassvizError, match="no keep or stretch"):
        plot_ablation(ablation_table(())[["n", "full"]], str(tmp_path / "c.png"))
    with pytest.raises(GlassvizError, match="unknown figure format '.jpg'"):
        plot_ablation(ablation_table(), str(tmp_path / "c.jpg"))
    with pytest.raises(GlassvizError, match="does not exist"):
        plot_ablation(ablation_table(), str(tmp_path / "missing" / "c.png"))


def test_evaluation_pdf_legend_carries_the_pearson(tmp_path, rng):
    truth = rng.random(3000)
    pred = truth + 0.5 * rng.standard_normal(3000)
    series = EvaluationSeries("ntgnn_x", truth, pred, pearson=0.4321, n_files=3)
    text = pdf_text(plot_evaluation([series], str(tmp_path / "eval.pdf"), time=16.5))
    assert "ntgnn_x" in text and "Pearson 0.432 (type A, mean of 3 snapshots)" in text
    assert "propensity (ensemble), t = 16.5" in text and "predicted propensity" in text
    assert "3000 type-A particles" in text


def test_evaluation_one_panel_per_model_and_subsampling(tmp_path, rng):
    a = EvaluationSeries("a", rng.random(500), rng.random(500), 0.1)
    b = EvaluationSeries("b", rng.random(900), rng.random(900), 0.2)
    svg = open(plot_evaluation([a, b], str(tmp_path / "e.svg"), max_points=600)).read()
    assert "Pearson 0.100 (type A)" in svg and "Pearson 0.200 (type A)" in svg
    assert "(a) 500 type-A particles" in svg and "(b) 600 of 900 type-A particles" in svg
    with pytest.raises(GlassvizError, match="truths but"):
        plot_evaluation([EvaluationSeries("c", np.zeros(3), np.zeros(4), 0.0)], str(tmp_path / "x.png"))


BUNDLED_LOGS = sorted(glob.glob(os.path.join(ROOT, "pretrained", "logs", "*.jsonl")))


@pytest.mark.parametrize("log_path", BUNDLED_LOGS, ids=os.path.basename)
def test_bundled_logs_give_the_best_epoch_of_their_cards(log_path):
    card = json.load(open(os.path.join(ROOT, "pretrained", os.path.basename(log_path)[:-6] + ".json")))
    log = read_log(log_path)
    assert len(log) == card["training"]["epochs_run"]
    assert best_epoch(log) == card["training"]["best_epoch"]


def test_learning_curves_of_a_propensity_and_a_classifier_log(tmp_path):
    botan = read_log(os.path.join(ROOT, "pretrained", "logs", "botan_ka3d_T0.64_t8.jsonl"))
    svg = open(plot_learning_curves(botan, str(tmp_path / "b.svg"), title="botan")).read()
    for text in ("training loss", "validation Pearson (type A)", "validation edge Pearson", "kept: epoch 20",
                 "epoch", "loss", "validation score"):
        assert text in svg, text
    assert "validation accuracy" not in svg and "validation loss" not in svg
    cnn = read_log(os.path.join(ROOT, "pretrained", "logs", "cnn_ka2d_T0.8_vs_T0.05.jsonl"))
    text = pdf_text(plot_learning_curves(cnn, str(tmp_path / "c.pdf"), best=37))
    assert "validation accuracy" in text and "validation loss" in text and "kept: epoch 37" in text


def test_read_log_keeps_the_last_entry_of_an_epoch_and_names_bad_lines(tmp_path):
    path = tmp_path / "log.jsonl"
    path.write_text('{"epoch": 1, "loss": 2.0}\n{"epoch": 2, "loss": 1.0}\n{"epoch": 2, "loss": 0.5}\n\n')
    assert [e["loss"] for e in read_log(str(path))] == [2.0, 0.5]
    path.write_text('{"epoch": 1, "loss": 2.0}\nnot json\n')
    with pytest.raises(InputError, match="line 2 is not an epoch entry"):
        read_log(str(path))
    with pytest.raises(GlassvizError, match="empty"):
        plot_learning_curves([], str(tmp_path / "x.png"))
