#!/usr/bin/env bash
# Ensembles of the bundled T = 0.64 BOTAN models (issue 15): 3 members per model, each fine-tuned
# for 3 epochs from the bundled weights on its own bootstrap resample of the model's training
# configurations (seeds 1-3, the bundled split: --split-seed 0), then listed in the model's card
# (`glassviz models ensemble`), which gives the fields propensity_mean@MODEL and propensity_std@MODEL.
# One thread; each run resumes from runs/NAME/state.pt and is skipped once pretrained/NAME.json exists.
# Run from the repository root:  nohup bash pretrained/train_ensembles.sh > ensembles.log 2>&1 &
set -euo pipefail
export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1
KA=assets/datasets/ka3d_iso_T0.64
mkdir -p runs pretrained/logs
for spec in "t0.5 0.5" "t16.5 16.5" "t8 8"; do
    set -- $spec
    base=botan_ka3d_T0.64_$1
    members=()
    for k in 1 2 3; do
        name=${base}_m$k
        members+=("$name")
        if [ ! -f "pretrained/$name.json" ]; then
            glassviz train botan $KA --time "$2" --init "$base" --seed $k --split-seed 0 --bootstrap \
                --epochs 3 --patience 3 --licence Apache-2.0 -o "$name" --store pretrained --workdir "runs/$name" -q \
                2>&1 | tee -a "runs/$name.out"
            cp "runs/$name/log.jsonl" "pretrained/logs/$name.jsonl"
        fi
    done
    glassviz models ensemble "$base" "${members[@]}"
done
