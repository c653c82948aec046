#!/usr/bin/env bash
# Times clm4j against its CPU peers in one run on this machine and prints the ratios (ours / peer):
#   inference, batch 32 x 128: clm bench infer   vs ONNX Runtime (Java API), same thread count
#   training step, batch 32 x 64: clm bench train vs PyTorch (Debian python3-torch, same architecture)
#   sparse step: clm bench train --method clm    vs clm bench train --method full
# Usage: benchmarks/compare-cpu.sh [threads]   (default 2). Needs /usr/bin/python3 with torch for the
# PyTorch peer (apt-get install python3-torch libopenblas0-openmp); skips it when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
threads=${1:-2}
mvn -q -B -DskipTests package test-compile >&2
mvn -q -B dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt >&2
cp=$(cat target/test-classpath.txt)
java_run() { java -Xmx8g --add-modules jdk.incubator.vector -cp "target/classes:target/test-classes:$cp" "$@" 2> >(grep -v '^WARNING: Using incubator' >&2); }
ratio() { python3 -c "import json,sys; a=json.loads(sys.argv[1]); b=json.loads(sys.argv[2]); print(f'{sys.argv[3]}: {a[\"ms_per_iter\"]:.0f} ms vs {b[\"ms_per_iter\"]:.0f} ms, ratio {a[\"ms_per_iter\"]/b[\"ms_per_iter\"]:.2f}')" "$1" "$2" "$3"; }

ours_infer=$(java_run dev.clm4j.cli.Main bench infer --batch 32 --seq 128 --threads "$threads" | tail -1)
ort_infer=$(java_run dev.clm4j.bench.OnnxRuntimePeer --batch 32 --seq 128 --threads "$threads" | tail -1)
echo "$ours_infer"; echo "$ort_infer"
ratio "$ours_infer" "$ort_infer" "inference 32x128, ours / ONNX Runtime"

ours_full=$(java_run dev.clm4j.cli.Main bench train --method full --batch 32 --seq 64 --threads "$threads" | tail -1)
echo "$ours_full"
if /usr/bin/python3 -c "import torch" 2>/dev/null; then
  torch_full=$(OMP_NUM_THREADS=$threads /usr/bin/python3 benchmarks/peers/torch_peer.py train --batch 32 --seq 64 --threads "$threads" | tail -1)
  echo "$torch_full"
  ratio "$ours_full" "$torch_full" "full training step 32x64, ours / PyTorch"
else
  echo "PyTorch peer skipped: /usr/bin/python3 has no torch"
fi
ours_clm=$(java_run dev.clm4j.cli.Main bench train --method clm --batch 32 --seq 64 --threads "$threads" | tail -1)
echo "$ours_clm"
ratio "$ours_clm" "$ours_full" "clm sparse step / full step"
