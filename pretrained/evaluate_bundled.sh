#!/usr/bin/env bash
# Scores every bundled propensity model on data none of them was trained or validated on and
# records the results in its card (metrics.<key>); then rewrites the table in pretrained/README.md.
#   T = 0.64: the 10 test configurations with 64-replica averages (assets/datasets/ka3d_iso_T0.64_test64),
#             plus the spread over the 48 cubic rotations/reflections.
#   T = 0.44: the pyg_botan reference files of the card's test split.
set -euo pipefail
T64=assets/datasets/ka3d_iso_T0.64_test64
for card in pretrained/*_ka3d_T0.64_t*.json; do
    name=$(basename "$card" .json)
    glassviz evaluate --model "$name" $T64/config_*.npz --rotations --record test_64_replicas
done
if [ -f pretrained/botan_ka3d_T0.44_t4120.json ]; then
    files=$(python -c "import json; print(' '.join(json.load(open('pretrained/botan_ka3d_T0.44_t4120.json'))['training']['files']['test']))")
    glassviz evaluate --model botan_ka3d_T0.44_t4120 $files --rotations --record reference_test
fi
python pretrained/report.py > pretrained/README.md
