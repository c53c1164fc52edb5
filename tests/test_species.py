"""The one species selection (glassviz.snapshot.species_index / species_mask)."""

import numpy as np
import pytest

from glassviz.errors import InputError
from glassviz.snapshot import species_index, species_mask
from tests.helpers import make_snapshot


@pytest.fixture
def snap():
    rng = np.random.default_rng(1)
    species = np.array([0, 1, 0, 1, 1, 0, 0])
    return make_snapshot(rng.uniform(0, 3, (7, 2)), np.eye(2) * 3, species=species, labels=(1, 2))


def test_index_label_and_letter_select_the_same_species(snap):
    assert [species_index(snap, s) for s in (0, "1", "A", "a")] == [0, 0, 0, 0]
    assert species_index(snap, np.int64(1)) == species_index(snap, "2") == species_index(snap, "B") == 1
    np.testing.assert_array_equal(species_mask(snap, "B"), snap.species == 1)
    assert species_mask(snap, None).all()


def test_a_type_label_wins_over_a_letter():
    s = make_snapshot(np.zeros((3, 2)) + [[0.1, 0.1], [1, 1], [2, 2]], np.eye(2) * 3, species=np.array([0, 1, 1]),
                      labels=("B", "Cu"))
    assert species_index(s, "B") == 0  # the label "B", not the second species
    assert species_index(s, "Cu") == 1


def test_unknown_species_is_one_line(snap):
    with pytest.raises(InputError, match="unknown species 'C'; species are 1, 2"):
        species_mask(snap, "C")
    with pytest.raises(InputError, match="out of range"):
        species_index(snap, 2)
