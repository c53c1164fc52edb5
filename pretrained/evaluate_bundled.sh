#!/usr/bin/env bash
# Scores every bundled propensity model on data none of them was trained or validated on and
# records the results in its card (metrics.<key>); then rewrites the table in pretrained/README.md.
#   T = 0.64: the 10 test configurations with 64-replica averages (assets/datasets/ka3d_iso_T0.64_test64),
#             plus the spread over the 48 cubic rotations/reflections.
#   T = 0.64, N = 4096: the 20 test configurations with 32-replica averages at GlassBench's times
#             (assets/datasets/ka3d_N4096_T0.64_test32, made by assets/datasets/make_ka3d_N4096.sh);
#             each model at the nearest stored time (t = 0.5 -> 0.52, 8 -> 5.2 and 16.5, 16.5 -> 16.5).
#             Also averaged over 8 orientations (--orientations 8: the first 8 elements of the cubic group).
#   T = 0.44: the pyg_botan reference files of the card's test split.
# `evaluate_bundled.sh n4096` runs only the N = 4096 part (and the report).
set -euo pipefail
PART=${1:-all}
T64=assets/datasets/ka3d_iso_T0.64_test64
[ "$PART" = all ] && for card in pretrained/*_ka3d_T0.64_t*.json; do
    name=$(basename "$card" .json)
    glassviz evaluate --model "$name" $T64/config_*.npz --rotations --record test_64_replicas
done
T4096=assets/datasets/ka3d_N4096_T0.64_test32
for card in pretrained/*_ka3d_T0.64_t*.json; do
    name=$(basename "$card" .json)
    case $name in *_t0.5) times="0.52" ;; *_t8) times="5.2 16.5" ;; *) times="16.5" ;; esac
    for t in $times; do
        glassviz evaluate --model "$name" $T4096/config_*.npz --time "$t" --record "test_N4096_32_replicas_t$t"
        glassviz evaluate --model "$name" $T4096/config_*.npz --time "$t" --orientations 8 \
            --record "test_N4096_32_replicas_t${t}_orient8"
    done
done
if [ "$PART" = all ] && [ -f pretrained/botan_ka3d_T0.44_t4120.json ]; then
    files=$(python -c "import json; print(' '.join(json.load(open('pretrained/botan_ka3d_T0.44_t4120.json'))['training']['files']['test']))")
    glassviz evaluate --model botan_ka3d_T0.44_t4120 $files --rotations --record reference_test
fi
python pretrained/report.py > pretrained/README.md
