#!/usr/bin/env bash
# KA3D T = 0.64, N = 4096 isoconfigurational data at GlassBench's times (t = 0.52, 5.2, 16.5):
#   test:  20 configurations x 32 replicas (4 chains), scoring the bundled propensity models;
#   train: 400 configurations x 8 replicas (8 chains), one configuration every tau_alpha.
# About 0.5 MB per configuration (float16 targets).  The test set (about 10 MB) is committed in
# assets/datasets/ka3d_N4096_T0.64_test32, with its .state/ (chain states and tau_alpha), so that a
# session on a fresh machine resumes it; the training set (about 200 MB) is too large for git and
# goes to $GLASSVIZ_DATA (default ~/glassviz-data), with the commands, seeds and checksums
# committed (assets/datasets/manifests/).  One worker, so that the machine stays usable; each
# command resumes where an interrupted run stopped and gives the same files.  Run from the
# repository root:
#   nohup bash assets/datasets/make_ka3d_N4096.sh > ka3d_N4096.log 2>&1 &
set -euo pipefail
D=${GLASSVIZ_DATA:-$HOME/glassviz-data}
GLASSVIZ=${GLASSVIZ:-glassviz}
common="ka3d --temperature 0.64 --n-particles 4096 --times 0.52,5.2,16.5 --equilibration 100 --compact --workers 1"
T=${GLASSVIZ_TEST_DIR:-assets/datasets/ka3d_N4096_T0.64_test32}
$GLASSVIZ simulate $common --configs 20 --chains 4 --replicas 32 --seed 6410 -o "$T"
mkdir -p assets/datasets/manifests
python assets/datasets/manifest.py "$T" > assets/datasets/manifests/ka3d_N4096_T0.64_test32.sha256
$GLASSVIZ simulate $common --configs 400 --chains 8 --replicas 8 --seed 6420 -o "$D/ka3d_N4096_T0.64_train8"
python assets/datasets/manifest.py "$D/ka3d_N4096_T0.64_train8" > assets/datasets/manifests/ka3d_N4096_T0.64_train8.sha256
