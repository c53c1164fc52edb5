"""Progress bars (tqdm, ETA) and logging: one helper, whole lines off a terminal, --quiet leaves
stderr free of bars and reports, library reports go to the ``glassviz`` loggers."""

import io
import logging

import numpy as np
import pytest

from glassviz.progress import configure_logging, get_logger, progress, progress_enabled, set_progress
from tests.conftest import DEMO_GLASS, DEMO_LIQUID, run_cli


@pytest.fixture(autouse=True)
def _restore():
    yield
    set_progress(True)
    log = get_logger()
    for h in [h for h in log.handlers if getattr(h, "_glassviz_cli", False)]:
        log.removeHandler(h)
    log.setLevel(logging.NOTSET)


def test_bar_off_a_terminal_writes_whole_lines():
    out = io.StringIO()  # not a TTY, like a batch log
    assert sum(progress(range(4), "work", enabled=True, unit="file", stream=out)) == 6
    text = out.getvalue()
    assert "\r" not in text and text.endswith("\n")
    last = text.strip().splitlines()[-1]
    assert last.startswith("work: 100%") and "4/4" in last and "file" in last


def test_total_form_and_disabled_bars():
    out = io.StringIO()
    with progress(3, "count", stream=out) as bar:
        assert bar.total == 3
        bar.update(3)
    assert "3/3" in out.getvalue()
    quiet = io.StringIO()
    assert list(progress(range(3), "off", enabled=False, stream=quiet)) == [0, 1, 2]
    set_progress(False)
    assert not progress_enabled()
    assert list(progress(range(3), "global off", stream=quiet)) == [0, 1, 2]
    assert quiet.getvalue() == ""
    set_progress(True)
    assert list(progress(range(2), "forced off", enabled=False, stream=quiet)) == [0, 1] and quiet.getvalue() == ""


def test_logging_one_line_per_message_and_quiet():
    buf = io.StringIO()
    configure_logging(quiet=False, stream=buf)
    configure_logging(quiet=False, stream=buf)  # configured again: still one handler, no doubled lines
    get_logger("train").info("epoch 1: loss 0.5\nsecond line")
    get_logger("train").info("saved", extra={"prefix": "glassviz train tiny"})
    assert buf.getvalue() == "glassviz: epoch 1: loss 0.5 second line\nglassviz train tiny: saved\n"
    assert progress_enabled()
    buf.truncate(0), buf.seek(0)
    configure_logging(quiet=True, stream=buf)
    get_logger("simulate").info("not shown")
    get_logger("simulate").warning("shown")
    assert buf.getvalue() == "glassviz: shown\n" and not progress_enabled()


def test_simulate_bar_eta_by_md_cost(tmp_path, capsys):
    from glassviz.simulate.md import DT
    from glassviz.simulate.runner import Plan, Simulation, bar

    plan = Plan(system="KA2D", temperature=0.8, n_particles=100, configs=4, replicas=2, times=(1.0, 4.0))
    sim = Simulation(plan, str(tmp_path), workers=1)
    b = bar("simulate KA2D", plan.configs, True)
    sim._show(b, 0, force=True)
    assert (b.total, b.n) == (4, 0)  # configurations until every chain has its tau_alpha
    sim.tau = {0: {"tau_alpha": 2.0}, 1: {"tau_alpha": 4.0}}
    sim.replica_results = {0: {0: np.zeros(1), 1: np.zeros(1)}}  # two replicas of configuration 0 done
    sim._show(b, 0, force=True)
    per_config = 3.0 / DT + 2 * 4.0 / DT  # spacing x mean tau_alpha, then the replicas
    assert b.total == pytest.approx(4 * per_config) and b.n == pytest.approx(2 * 4.0 / DT)
    b.close()
    err = capsys.readouterr().err
    assert "simulate KA2D" in err and "0/4 configs" in err and "ETA" in err and "\r" not in err
    assert f"{100 * b.n / b.total:3.0f}%" in err.strip().splitlines()[-1]


def test_epoch_loop_bar_and_log(tmp_path, caplog, capsys):
    torch = pytest.importorskip("torch")
    from glassviz.train.loop import EpochLoop

    class Fixed(EpochLoop):
        def train_epoch(self, rng):
            return 1.0 / (self.epoch + 1)

        def evaluate(self, items):
            return {"score": float(self.epoch)}

    with caplog.at_level(logging.INFO, logger="glassviz.train"):
        result = Fixed(torch.nn.Linear(2, 1), str(tmp_path), epochs=3, patience=5, lr=1e-3).fit([])
    assert result["epochs_run"] == 3
    lines = [r.getMessage() for r in caplog.records if r.name == "glassviz.train"]
    assert [ln.split(":")[0] for ln in lines] == ["epoch 1", "epoch 2", "epoch 3"]
    err = capsys.readouterr().err
    assert "train: 100%" in err and "3/3" in err


def test_cli_quiet_leaves_stderr_empty():
    rc, out, err = run_cli("classify", "--model", "cnn_ka2d_T0.8_vs_T0.05", DEMO_GLASS, DEMO_LIQUID)
    assert rc == 0, err
    assert out.split()[0] == "glass" and "liquid" in out.splitlines()[1].split()[0]
    bars = [ln for ln in err.splitlines() if ln.startswith("classify:")]
    assert bars and "2/2" in bars[-1] and "\r" not in err
    rc, out_q, err_q = run_cli("classify", "--model", "cnn_ka2d_T0.8_vs_T0.05", DEMO_GLASS, DEMO_LIQUID, "--quiet")
    assert rc == 0 and out_q == out and err_q == ""
