#!/usr/bin/env bash
# Times clm4j against its CPU peers in one run on this machine and prints the ratios (ours / peer):
#   inference, batch 32 x 128: clm bench infer   vs ONNX Runtime (Java API), same thread count
#   training step, batch 32 x 64: clm bench train vs PyTorch (Debian python3-torch, same architecture)
#   sparse step: clm bench train --method clm    vs clm bench train --method full
# Usage: [ROUNDS=3] benchmarks/compare-cpu.sh [threads]   (default 2). Needs /usr/bin/python3 with torch for the
# PyTorch peer (apt-get install python3-torch libopenblas0-openmp); skips it when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
threads=${1:-2}
mvn -q -B -DskipTests package test-compile >&2
mvn -q -B dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt >&2
cp=$(cat target/test-classpath.txt)
# The JVM options of ./clm (huge pages as there; ParallelGC: G1's concurrent threads would share the 2 cores), for the
# ONNX Runtime peer's JVM too.
thp=""
grep -qs '\[madvise\]\|\[always\]' /sys/kernel/mm/transparent_hugepage/enabled && thp="-XX:+UseTransparentHugePages"
java_run() { java -Xmx8g -XX:+UseParallelGC $thp --add-modules jdk.incubator.vector -cp "target/classes:target/test-classes:$cp" "$@" 2> >(grep --line-buffered -v '^WARNING: Using incubator' >&2); }
# The machine is shared and noisy: ours and the peer alternate for $rounds rounds, and the ratio is
# taken of the best (min_ms) and of the median (ms_per_iter) over all rounds of each side.
rounds=${ROUNDS:-3}
ratio() { python3 - "$@" <<'PY'
import json, sys, statistics
label, ours, peer = sys.argv[1], [json.loads(l) for l in sys.argv[2].split("\n") if l], [json.loads(l) for l in sys.argv[3].split("\n") if l]
best = lambda runs: min(r["min_ms"] for r in runs)
median = lambda runs: statistics.median(r["ms_per_iter"] for r in runs)
print(f"{label}: best {best(ours):.0f} vs {best(peer):.0f} ms, ratio {best(ours) / best(peer):.2f}; "
      f"median {median(ours):.0f} vs {median(peer):.0f} ms, ratio {median(ours) / median(peer):.2f} ({len(ours)} rounds)")
PY
}
has_torch=false
/usr/bin/python3 -c "import torch" 2>/dev/null && has_torch=true

ours_infer=""; ort_infer=""; ours_full=""; torch_full=""; ours_clm=""
for round in $(seq "$rounds"); do
  echo "round $round of $rounds" >&2
  ours_infer+=$(java_run dev.clm4j.cli.Main bench infer --batch 32 --seq 128 --threads "$threads" | tail -1)$'\n'
  ort_infer+=$(java_run dev.clm4j.bench.OnnxRuntimePeer --batch 32 --seq 128 --threads "$threads" | tail -1)$'\n'
  ours_full+=$(java_run dev.clm4j.cli.Main bench train --method full --batch 32 --seq 64 --threads "$threads" --warmup 5 | tail -1)$'\n'
  if $has_torch; then
    torch_full+=$(OMP_NUM_THREADS=$threads /usr/bin/python3 benchmarks/peers/torch_peer.py train --batch 32 --seq 64 --threads "$threads" --warmup 5 | tail -1)$'\n'
  fi
  ours_clm+=$(java_run dev.clm4j.cli.Main bench train --method clm --batch 32 --seq 64 --threads "$threads" --warmup 5 | tail -1)$'\n'
done
printf '%s' "$ours_infer$ort_infer$ours_full$torch_full$ours_clm"
ratio "inference 32x128, ours / ONNX Runtime" "$ours_infer" "$ort_infer"
if $has_torch; then
  ratio "full training step 32x64, ours / PyTorch" "$ours_full" "$torch_full"
else
  echo "PyTorch peer skipped: /usr/bin/python3 has no torch"
fi
ratio "clm sparse step / full step (ours)" "$ours_clm" "$ours_full"
