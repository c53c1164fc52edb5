#!/usr/bin/env bash
# The committed datasets, in the order they were made (each command resumes if interrupted).
# Run from the repository root:  nohup bash assets/datasets/make_datasets.sh > datasets.log 2>&1 &
set -euo pipefail
D=assets/datasets
# KA3D isoconfigurational ensembles at T = 0.64 (propensity models)
glassviz simulate ka3d --temperature 0.64 --n-particles 1000 --configs 100 --replicas 16 \
    --times 0.1,0.5,1,2,4,8,16.5,30,50 --equilibration 100 --seed 64 -o $D/ka3d_iso_T0.64
# KA3D equilibrium snapshots at four temperatures (attention classifier)
for T in 2.0 1.0 0.64; do
    glassviz simulate ka3d --temperature $T --n-particles 1000 --configs 100 --seed 3000 -o $D/ka3d_eq_T$T
done
# at T = 0.50 the first tau_alpha estimate (on the ageing start) is ~5x too short: equilibrate for
# 150 x that estimate (~30 equilibrium tau_alpha) and sample every 1.5 measured tau_alpha
glassviz simulate ka3d --temperature 0.50 --n-particles 1000 --configs 100 --seed 3000 \
    --equilibration 150 --spacing 1.5 -o $D/ka3d_eq_T0.50
# KA2D liquids at T_L = 0.8 and the glasses quenched from them to T_G = 0.05 (CNN classifier)
glassviz simulate ka2d --temperature 0.8 --n-particles 2000 --configs 300 --quench-to 0.05 \
    --cooling-rate 5e-3 --hold-time 50 --seed 2000 -o $D/ka2d_T0.8_glass_T0.05
# 48 more replicas for the 10 test configurations of ka3d_iso_T0.64 (scoring the bundled models)
python assets/datasets/make_test64.py
# 100 more KA2D liquid/glass pairs from new chains: held-out data for the classifiers
glassviz simulate ka2d --temperature 0.8 --n-particles 2000 --configs 100 --quench-to 0.05 \
    --cooling-rate 5e-3 --hold-time 50 --seed 2100 -o $D/ka2d_T0.8_glass_T0.05_heldout
