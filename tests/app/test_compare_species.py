"""Compare says what it correlates: with a propensity model shown, the species defaults to the
one the models are scored on (A = species 0), and the matrix header says so (issue 13)."""

import numpy as np
import pytest

from glassviz.analysis.correlation import correlation
from glassviz.app.state import demo_files
from tests.conftest import DEMO_GLASS

pytest.importorskip("panel")


def test_demo_correlates_type_a_and_says_so():
    from glassviz.app.layout import build

    app = build(demo_files()[:1])
    s, compare = app.session, app.views["compare"]
    snap = s.snapshot
    n_a = int((snap.species == 0).sum())
    assert n_a == 3277
    assert s.compare.species == str(snap.type_labels[0])
    assert compare.info.object.startswith(f"<div class='gv-compare-what'>Pearson over {n_a} type-A particles")
    assert compare.matrix.title.text.startswith(f"Pearson over {n_a} type-A particles")
    truth, model = "propensity", "propensity@ntgnn_ka3d_T0.64_t16.5"
    table = s.correlations()
    a = snap.species == 0
    shown = s.shown()
    assert table.loc[truth, model] == pytest.approx(correlation(shown[truth][a], shown[model][a], "pearson"))
    # over every species the number is another one; the header says that too
    s.compare.species = "all"
    assert compare.info.object.startswith(f"<div class='gv-compare-what'>Pearson over {snap.n} particles (all species)")
    assert s.correlations().loc[truth, model] == pytest.approx(correlation(shown[truth], shown[model], "pearson"))
    # the user's choice stays while fields change
    s.fields = [truth, model, "voronoi_volume"]
    assert s.compare.species == "all"


def test_without_a_propensity_model_all_species_are_correlated():
    from glassviz.app.state import Session

    s = Session([DEMO_GLASS])  # KA2D: a CNN classifier, no propensity model
    assert not any(n.startswith(("propensity@", "edge_change@")) for n in s.fields)
    assert s.compare.species == "all"
    assert s.compare.describe(s.snapshot, int(s.correlation_mask().sum())) == \
        f"Pearson over {s.snapshot.n} particles (all species)"
    s.corr_method, s.compare.species = "spearman", "2"
    s.select_box(-10, 10, -10, 10)
    s.corr_selection_only = True
    mask = s.correlation_mask()
    assert np.all(s.snapshot.species[mask] == 1) and mask.sum() < len(s.selection)
    assert s.compare.describe(s.snapshot, int(mask.sum())) == \
        f"Spearman over {int(mask.sum())} selected type-B particles (file type 2)"
