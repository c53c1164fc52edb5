"""Ensembles of propensity models: the cards, the fields propensity_mean@/propensity_std@ (the
mean and sample standard deviation of the members' predictions), batched passes, the
dashboard's catalogue and the CLI."""

import numpy as np
import pytest
import torch

import glassviz
from glassviz.errors import GlassvizError
from glassviz.models.botan import BOTAN
from glassviz.models.inference import predict
from glassviz.models.ntgnn import NTGNN
from glassviz.models.store import ensemble_members, list_cards, load_model, save_model, set_ensemble
from tests.conftest import run_cli
from tests.models.test_store_and_inference import _card, _ka3d


@pytest.fixture
def members(glassviz_home):
    for seed, name in enumerate(("bo", "bo_m1", "bo_m2")):
        torch.manual_seed(seed)
        save_model(BOTAN(), _card(name, "botan"))
    torch.manual_seed(5)
    save_model(NTGNN(), _card("nt", "ntgnn"))
    save_model(BOTAN(), {**_card("bo_t16", "botan"), "time": 16.5})
    return ["bo", "bo_m1", "bo_m2"]


def _cards():
    return {c["name"]: c for c in list_cards()}


def test_cards_list_the_members_and_refuse_other_models(members):
    set_ensemble("bo", ["bo_m1", "bo_m2", "bo"])
    cards = _cards()
    assert ensemble_members(cards["bo"]) == members
    assert cards["bo_m1"]["member_of"] == "bo" and cards["bo_m2"]["member_of"] == "bo"
    with pytest.raises(GlassvizError, match="differs from 'bo' in arch"):
        set_ensemble("bo", ["nt"])
    with pytest.raises(GlassvizError, match="differs from 'bo' in time"):
        set_ensemble("bo", ["bo_t16"])
    with pytest.raises(GlassvizError, match="at least one other member"):
        set_ensemble("bo", ["bo"])


def test_mean_and_std_are_those_of_the_members_predictions(members, rng):
    from glassviz.fields import compute_fields

    set_ensemble("bo", members[1:])
    s = _ka3d(rng, n=300)
    out = compute_fields(s, ["propensity@bo", "propensity_mean@bo", "propensity_std@bo"])
    preds = np.stack([predict(*load_model(m), [s])[0].nodes for m in members])
    np.testing.assert_allclose(out["propensity@bo"], preds[0], rtol=0, atol=1e-7)
    np.testing.assert_allclose(out["propensity_mean@bo"], preds.mean(0), rtol=0, atol=1e-7)
    # sample standard deviation (M - 1) over the 3 members
    np.testing.assert_allclose(out["propensity_std@bo"], np.sqrt(((preds - preds.mean(0)) ** 2).sum(0) / 2),
                               rtol=1e-6, atol=1e-9)
    assert out["propensity_std@bo"].min() >= 0 and out["propensity_std@bo"].mean() > 0
    with pytest.raises(GlassvizError, match="'bo_t16' has no ensemble"):
        compute_fields(s, ["propensity_std@bo_t16"])


def test_batched_table_equals_one_snapshot_at_a_time(members, rng):
    from glassviz.fields import compute_fields

    set_ensemble("bo", members[1:])
    snaps = [_ka3d(rng, n=250), _ka3d(rng, n=250)]
    names = ["propensity_mean@bo", "propensity_std@bo"]
    table = glassviz.analyze(snaps, names)
    for k, s in enumerate(snaps):
        one = compute_fields(s, names)
        rows = table.iloc[k * s.n:(k + 1) * s.n]
        for n in names:
            np.testing.assert_allclose(rows[n].to_numpy(), one[n], rtol=0, atol=1e-6)


def test_catalogue_offers_the_ensemble_not_its_members(members, rng):
    from glassviz.app.catalogue import ModelCatalogue

    set_ensemble("bo", members[1:])
    cat = ModelCatalogue(_ka3d(rng, n=250), [c for c in list_cards() if c["origin"] != "bundled"])
    assert sorted(c["name"] for c in cat.propensity_models(8.0)) == ["bo", "nt"]
    avail = cat.available_fields(8.0)
    assert "propensity_mean@bo" in avail and "propensity_std@bo" in avail
    assert not any("bo_m1" in n for n in avail)
    assert not any(n.startswith("propensity_std@") for n in cat.default_fields(8.0))  # offered, not drawn unasked
    # a horizon whose model has no ensemble drops the ensemble's fields
    assert cat.swap_to(["propensity_std@bo", "propensity@bo"], 16.5) == ["propensity@bo_t16"]


def test_cli_ensemble_and_list(members):
    code, out, err = run_cli("models", "ensemble", "bo", "bo_m1", "bo_m2")
    assert code == 0, err
    assert "ensemble of 3" in out
    code, out, _ = run_cli("models", "list")
    lines = {line.split()[0]: line for line in out.splitlines() if line.strip()}
    assert "ensemble of 3" in lines["bo"] and "member of bo" in lines["bo_m2"]
    code, _, err = run_cli("models", "ensemble", "bo", "nt")
    assert code != 0 and "differs from 'bo' in arch" in err and "Traceback" not in err


def test_cli_fields_of_the_ensemble(members, rng, tmp_path):
    import pandas as pd

    from glassviz.io.extxyz import write_trajectory

    set_ensemble("bo", members[1:])
    s = _ka3d(rng, n=250)
    path = tmp_path / "snap.extxyz"
    write_trajectory(str(path), [(s, {})])
    out = tmp_path / "fields.csv"
    code, _, err = run_cli("fields", str(path), "--fields", "propensity_mean@bo,propensity_std@bo", "-o", str(out))
    assert code == 0, err
    table = pd.read_csv(out)
    from glassviz.fields import compute_fields

    want = compute_fields(glassviz.load(str(path)), ["propensity_mean@bo", "propensity_std@bo"])
    np.testing.assert_allclose(table["propensity_std@bo"], want["propensity_std@bo"], rtol=1e-5, atol=1e-7)
