"""The default horizon and models follow the snapshot's temperature when the file gives it
(issue 13): a T = 0.64 KA3D file without an ensemble gets a T = 0.64 model's horizon, not the
T = 0.44 model's t = 4120."""

from dataclasses import replace

import pytest

import glassviz
from glassviz.app.catalogue import ModelCatalogue
from glassviz.app.state import demo_files
from glassviz.models.store import list_cards
from glassviz.snapshot import tile


@pytest.fixture(scope="module")
def demo():
    return glassviz.load(demo_files()[0])


def _at(snap, temperature):
    return replace(snap, ensemble=None, meta=dict(snap.meta, temperature=temperature))


def test_a_large_tiled_file_at_t064_gets_a_t064_horizon(demo):
    big = tile(demo, (3, 3, 3))  # N = 110 592, no ensemble, meta T = 0.64 kept
    assert big.ensemble is None and big.temperature == 0.64
    cat = ModelCatalogue(big, list_cards())
    assert 4120.0 in cat.horizons()
    assert cat.default_time() == 16.5
    fields = cat.default_fields(16.5)
    assert "propensity@botan_ka3d_T0.64_t16.5" in fields and "propensity@ntgnn_ka3d_T0.64_t16.5" in fields
    assert not any("T0.44" in f for f in fields)


def test_a_t044_file_gets_the_t044_model_and_an_unknown_t_the_longest(demo):
    cat = ModelCatalogue(_at(demo, 0.44), list_cards())
    assert cat.default_time() == 4120.0
    assert cat.default_fields(4120.0)[0] == "propensity@botan_ka3d_T0.44_t4120"
    # no temperature in the file: the longest horizon with a model, as before
    assert ModelCatalogue(_at(demo, None), list_cards()).default_time() == 4120.0
    # the ground truth stored in the file still comes first at its own temperature
    assert ModelCatalogue(demo, list_cards()).default_time() == 16.5


def test_session_on_a_t064_file_without_ensemble(demo):
    from glassviz.app.state import Session

    s = Session([_at(demo, 0.64)])
    assert s.time == 16.5 and "propensity" not in s.fields
    assert s.fields[:2] == ["propensity@botan_ka3d_T0.64_t16.5", "propensity@ntgnn_ka3d_T0.64_t16.5"]
    assert s.ablation_model == "botan_ka3d_T0.64_t16.5"
