"""GlassBench / pyg_botan npz time codes, and labelling a file whose time is unknown."""

import io
import json
import os

import numpy as np
import pandas as pd
import pytest

import glassviz
from glassviz.dynamics import propensity
from glassviz.dynamics.propensity import time_source
from glassviz.io.botan import TIME_CODES
from tests.conftest import BOTAN_FILES, need_shared, run_cli


def _named(tmp_path, name):
    """The first pyg_botan file under another GlassBench name (a link: the reader reads the name)."""
    link = tmp_path / name
    os.symlink(os.path.abspath(need_shared(BOTAN_FILES[0])), link)
    return link


def test_every_glassbench_temperature_has_ten_codes():
    for temp in (0.44, 0.50, 0.56, 0.64):
        times = [TIME_CODES[(temp, code)] for code in range(1, 11)]
        assert np.all(np.diff(times) > 0)  # logarithmically increasing time points
    # tc07, the benchmark time near tau_alpha (DESIGN.md: 4120, 217, 52, 16.5)
    assert [TIME_CODES[(t, 7)] for t in (0.44, 0.50, 0.56, 0.64)] == [4120.0, 217.0, 52.0, 16.5]
    # BOTAN Table I's nine T = 0.64 times are codes 2..10
    assert [TIME_CODES[(0.64, c)] for c in range(2, 11)] == [0.1, 0.165, 0.52, 1.65, 5.2, 16.5, 52, 165, 520]


@pytest.mark.parametrize("name,time", [("isoconfig_N4096T0.56_3_tc07.npz", 52.0),
                                       ("isoconfig_N4096T0.64_3_tc01.npz", 0.032),
                                       ("isoconfig_N4096T0.50_3_tc10.npz", 6860.0)])
def test_time_codes_at_every_temperature(tmp_path, name, time):
    s = glassviz.load(_named(tmp_path, name))
    assert s.ensemble.times[0] == time and time_source(s) == "file"
    assert np.all(propensity(s, time) > 0)


def test_unknown_time_is_labelled_by_the_user(tmp_path):
    path = _named(tmp_path, "isoconfig_N4096T0.60_3_tc07.npz")  # no published time at T = 0.60
    s = glassviz.load(path)
    assert np.isnan(s.ensemble.times[0]) and "no known LJ time" in s.meta["time_note"]
    assert time_source(s) == "unknown"
    p = propensity(s, 30.0)
    assert s.ensemble.times[0] == 30.0 and time_source(s) == "user" and s.meta["time"] == 30.0
    np.testing.assert_array_equal(p, propensity(glassviz.load(need_shared(BOTAN_FILES[0]))))


def test_fields_and_evaluate_say_the_time_came_from_the_user(tmp_path):
    path = _named(tmp_path, "isoconfig_N4096T0.60_3_tc07.npz")
    code, out, err = run_cli("fields", path, "--fields", "propensity", "--time", "30", "-q")
    assert code == 0, err
    assert "t = 30 is the time given with --time" in err
    assert len(pd.read_csv(io.StringIO(out))) == 4096
    code, out, err = run_cli("evaluate", "--model", "botan_ka3d_T0.44_t4120", path, "--json")
    assert code != 0 and "no known LJ time; give it with --time" in err and "Traceback" not in err
    code, out, err = run_cli("evaluate", "--model", "botan_ka3d_T0.44_t4120", path, "--time", "30", "--json")
    assert code == 0, err
    result = json.loads(out)
    assert result["time"] == 30.0 and result["files"][0]["time_source"] == "user"
