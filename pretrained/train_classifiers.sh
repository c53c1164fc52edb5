#!/usr/bin/env bash
# Trains the bundled structure classifiers in pretrained/ (run from the repository root);
# resumable from runs/NAME/state.pt, skipped once pretrained/NAME.json exists.
set -euo pipefail
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1}
mkdir -p runs pretrained/logs
D=assets/datasets

train() {  # NAME ARGS...
    local name=$1; shift
    if [ -f "pretrained/$name.json" ]; then echo "skip $name"; return; fi
    glassviz train "$@" -o "$name" --store pretrained --workdir "runs/$name" 2>&1 | tee -a "runs/$name.out"
    cp "runs/$name/log.jsonl" "pretrained/logs/$name.jsonl"
}

case "${1:-all}" in
    cnn|all)
        # KA2D N = 2000: 300 liquids (T = 0.8) and the 300 glasses quenched from them (T = 0.05);
        # split by configuration 240 / 30 / 30 (a liquid and its glass always together).  The fully
        # convolutional head with random translations/symmetries: the fixed-grid head (Oyama's) did
        # not generalise to new chains (0/100 held-out liquids)
        train cnn_ka2d_T0.8_vs_T0.05 cnn $D/ka2d_T0.8_glass_T0.05 --head gap --epochs 40 --patience 10 \
            --licence Apache-2.0 ;;&
    attention|all)
        # KA3D N = 1000 at T = 2.0, 1.0, 0.64, 0.50, 100 configurations each (80 / 10 / 10 per T)
        train attention_ka3d_T4 attention $D/ka3d_eq_T2.0 $D/ka3d_eq_T1.0 $D/ka3d_eq_T0.64 $D/ka3d_eq_T0.50 \
            --epochs 60 --patience 12 --licence Apache-2.0 ;;
esac
