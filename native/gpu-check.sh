#!/usr/bin/env bash
# Runs the CUDA backend's tests and a small timing on a Linux x86-64 GPU machine that has no Java
# and no Maven, from the folder native/make-carry.sh packed (.carry/, carried next to the tree).
#
#   bash native/gpu-check.sh            reports go to $OUT (default target/gpu-check)
#
# 1. Finds the CUDA 13 user-space libraries the JavaCPP JNI wrappers link against -- libcudart.so.13,
#    libcublas.so.13, libcublasLt.so.13, libnvrtc.so.13 (with its builtins) -- in pip "nvidia"
#    packages (PyTorch's venv), /usr/local/cuda*, or the system library directories, and the
#    driver's libcuda.so.1; puts their directories on LD_LIBRARY_PATH.
# 2. Prints nvidia-smi.
# 3. Runs every test in dev.clm4j.tensor.cuda with JUnit's console launcher: once with the nvcc
#    fatbin, once with the kernels compiled by NVRTC (-Dclm.cuda.nvrtc=true).
# 4. Runs dev.clm4j.tensor.cuda.CudaTiming.
# Exit status: 0 when all tests passed on a GPU; 1 when a test failed; 3 when CUDA was not
# available (the tests then report skipped, with the reason).
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CARRY="${CARRY:-$ROOT/.carry}"
OUT="${OUT:-$ROOT/target/gpu-check}"
mkdir -p "$OUT"
LOG="$OUT/gpu-check.log"
: > "$LOG"
say() { echo "$@" | tee -a "$LOG"; }

JAVA="$CARRY/jre/bin/java"
if [ ! -x "$JAVA" ]; then
    say "gpu-check: no Java runtime at $JAVA; run native/make-carry.sh on the build machine and carry .carry/"
    exit 2
fi

# ---- 1. libraries --------------------------------------------------------------------------
search_roots=()
for d in /opt/torch/.venv/lib/python3*/site-packages/nvidia \
         /opt/*/.venv/lib/python3*/site-packages/nvidia \
         /opt/*/lib/python3*/site-packages/nvidia \
         /usr/local/lib/python3*/dist-packages/nvidia /usr/local/lib/python3*/site-packages/nvidia \
         /usr/lib/python3/dist-packages/nvidia \
         ${VIRTUAL_ENV:+$VIRTUAL_ENV/lib/python3*/site-packages/nvidia} \
         /usr/local/cuda /usr/local/cuda-13* /usr/local/cuda-1* \
         /usr/lib/x86_64-linux-gnu /usr/lib64 /usr/local/nvidia/lib64 /usr/lib/wsl/lib; do
    [ -d "$d" ] && search_roots+=("$d")
done

# The first match of a library name under the given roots (files or symlinks; never a link stub).
find_under() {
    local name="$1" root hit
    shift
    for root in "$@"; do
        [ -d "$root" ] || continue
        hit=$(find -L "$root" -maxdepth 6 -name "$name" \( -type f -o -type l \) -not -path '*/stubs/*' \
              2>/dev/null | head -n 1)
        if [ -n "$hit" ]; then
            echo "$hit"
            return
        fi
    done
}

find_ldconfig() {
    command -v ldconfig >/dev/null 2>&1 && ldconfig -p 2>/dev/null | awk -v n="$1" '$1 == n { print $NF; exit }'
}

# The driver library must be the one installed with the kernel driver: look in the system first
# (a libcuda.so.1 under a toolkit's compat/ directory may not match the running driver).
find_lib() {
    local name="$1" hit
    if [ "$name" = libcuda.so.1 ]; then
        hit=$(find_ldconfig "$name")
        [ -z "$hit" ] && hit=$(find_under "$name" /usr/lib/x86_64-linux-gnu /usr/lib64 /usr/local/nvidia/lib64 /usr/lib/wsl/lib)
        [ -z "$hit" ] && hit=$(find_under "$name" "${search_roots[@]}")
    else
        hit=$(find_under "$name" "${search_roots[@]}")
        [ -z "$hit" ] && hit=$(find_ldconfig "$name")
    fi
    echo "$hit"
}

lib_dirs=()
missing=()
for lib in libcuda.so.1 libcudart.so.13 libcublas.so.13 libcublasLt.so.13 libnvrtc.so.13; do
    path=$(find_lib "$lib")
    if [ -z "$path" ]; then
        missing+=("$lib")
        say "gpu-check: $lib NOT FOUND"
        continue
    fi
    dir=$(dirname "$path")
    say "gpu-check: $lib -> $path"
    case " ${lib_dirs[*]:-} " in *" $dir "*) ;; *) lib_dirs+=("$dir") ;; esac
done
builtins=$(find_lib 'libnvrtc-builtins.so.13*')
[ -n "$builtins" ] && say "gpu-check: nvrtc builtins -> $builtins"
if [ ${#lib_dirs[@]} -gt 0 ]; then
    LD_LIBRARY_PATH="$(IFS=:; echo "${lib_dirs[*]}")${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
fi
export LD_LIBRARY_PATH="${LD_LIBRARY_PATH:-}"
say "gpu-check: LD_LIBRARY_PATH=$LD_LIBRARY_PATH"

[ -f "$CARRY/MANIFEST" ] && sed 's/^/gpu-check: carry: /' "$CARRY/MANIFEST" | tee -a "$LOG"

# ---- 2. the GPU ------------------------------------------------------------------------------
if command -v nvidia-smi >/dev/null 2>&1; then
    nvidia-smi 2>&1 | tee "$OUT/nvidia-smi.txt" | tee -a "$LOG"
else
    say "gpu-check: nvidia-smi not found"
fi

# ---- 3. tests --------------------------------------------------------------------------------
CP="$CARRY/test-classes:$CARRY/classes"
for jar in "$CARRY"/lib/*.jar; do
    case "$jar" in *junit-platform-console-standalone*) ;; *) CP="$CP:$jar" ;; esac
done
CONSOLE=$(ls "$CARRY"/lib/junit-platform-console-standalone-*.jar | head -n 1)
JAVACPP_CACHE="${TMPDIR:-/tmp}/clm4j-javacpp-cache"
JVM_FLAGS=(-Xmx8g --add-modules jdk.incubator.vector -Dorg.bytedeco.javacpp.cachedir="$JAVACPP_CACHE")

run_tests() {  # $1: label, $2...: extra JVM flags
    local label="$1"
    shift
    say ""
    say "==== CUDA tests ($label) ===="
    (cd "$ROOT" && "$JAVA" "${JVM_FLAGS[@]}" "$@" -jar "$CONSOLE" execute \
        --class-path "$CP" --select-package dev.clm4j.tensor.cuda \
        --details=tree --details-theme=ascii --disable-banner --disable-ansi-colors \
        --reports-dir "$OUT/junit-$label") 2>&1 | tee "$OUT/tests-$label.txt" | tee -a "$LOG" >/dev/null
    local rc=${PIPESTATUS[0]}
    tail -n 20 "$OUT/tests-$label.txt"
    return "$rc"
}

status=0
run_tests fatbin || status=1
run_tests nvrtc -Dclm.cuda.nvrtc=true || status=1

# ---- 4. timing -------------------------------------------------------------------------------
say ""
say "==== timing ===="
(cd "$ROOT" && "$JAVA" "${JVM_FLAGS[@]}" -cp "$CP" dev.clm4j.tensor.cuda.CudaTiming) 2>&1 | tee "$OUT/timing.txt" | tee -a "$LOG"

if grep -q "\[cuda\] available: false" "$OUT/tests-fatbin.txt"; then
    say ""
    say "gpu-check: CUDA was NOT available, so the GPU tests were skipped: $(grep -m1 '\[cuda\] available: false' "$OUT/tests-fatbin.txt")"
    [ ${#missing[@]} -gt 0 ] && say "gpu-check: missing libraries: ${missing[*]}"
    exit 3
fi
say ""
say "gpu-check: $([ $status -eq 0 ] && echo "all CUDA tests passed" || echo "CUDA TESTS FAILED") (reports in $OUT)"
exit $status
