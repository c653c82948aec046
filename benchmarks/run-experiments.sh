#!/usr/bin/env bash
# The experiment runner: `clm experiment` with the project's datasets. Every dataset x setting x
# method x seed runs as `clm finetune` in its own JVM; each run leaves one result file in
# OUT/results/ (default runs/experiments), so running the same command again resumes where it
# stopped (and, when everything is done, only renders OUT/results.md and OUT/accuracy-vs-time.png).
#
# Datasets: NAME=TRAIN:TEST, or a NAME under $CLM_DATA (default ../shared/datasets when present),
# or `demo` (the built-in demo data). All options: ./clm experiment --help
#
# Examples:
#   benchmarks/run-experiments.sh --datasets demo --methods head,clm --seeds 0,1 --epochs 2
#   # few-shot, as in METHOD.md (10 per class, 10 epochs, 3 seeds):
#   benchmarks/run-experiments.sh --datasets banking77,clinc150,snips --per-class 10 --epochs 10 \
#       --methods full,head,clm,random-sparse,fisher-sparse --seeds 0,1,2 --out runs/experiments/k10
#   # the paper table (full training sets, 3 epochs), with a variant: clm without new tokens
#   benchmarks/run-experiments.sh --datasets banking77,clinc150,snips --seeds 0,1,2 \
#       --methods "full,head,clm,clm-notok=clm --new-tokens 0" --out runs/experiments/full
#   benchmarks/run-experiments.sh --render-only --out runs/experiments/full
# Child JVM options: CLM_JAVA_OPTS (as for ./clm) or --jvm-opts "...".
# Every run of one experiment trains with the build that started it: ./clm runs from copies of the
# jar and its libraries (.clm-run/), which a rebuild or `mvn clean` in the same checkout leaves alone.
# A resumed experiment trains its remaining runs with the build it is resumed with (each result file
# records the build that trained it, and the runner prints a note when it is not its own).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ -z "${CLM_DATA:-}" ] && [ -d "$here/../shared/datasets" ]; then
  CLM_DATA="$(cd "$here/../shared/datasets" && pwd)"; export CLM_DATA
fi
if [ $# -eq 0 ]; then
  sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'
  exit 2
fi
exec "$here/clm" experiment "$@"
