#!/usr/bin/env bash
# Builds the CUDA kernels of clm4j into a classpath resource.
#
#   native/build-kernels.sh [OUTPUT_DIR]        (default: target/classes/dev/clm4j/kernels)
#
# 1. Copies kernels/*.cu and kernels/*.cuh into OUTPUT_DIR, so that the backend can compile them
#    with NVRTC at first use when no fatbin is there (or when the fatbin has no code for the GPU).
# 2. When nvcc is on the PATH (or $NVCC names it), compiles every family into ONE fatbin,
#    OUTPUT_DIR/clm4j.fatbin, with SASS for sm_80 and sm_90 and PTX for compute_90 (which the driver
#    JIT-compiles for newer GPUs). All families go through a single translation unit that includes
#    each kernels/*.cu, exactly as the NVRTC fallback does, so the two paths see the same code.
#    A compile error fails the script (and so the Maven build).
# Without nvcc it prints a note and succeeds; set CLM_REQUIRE_NVCC=1 to make that an error.
# The fatbin is rebuilt only when a kernel source is newer than it (or CLM_FORCE_KERNELS=1).
# Extra nvcc flags may be given in $CLM_NVCC_FLAGS.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SRC="$ROOT/kernels"
OUT_DIR="${1:-$ROOT/target/classes/dev/clm4j/kernels}"
FATBIN="$OUT_DIR/clm4j.fatbin"
NVCC="${NVCC:-nvcc}"

shopt -s nullglob
sources=("$SRC"/*.cu)
headers=("$SRC"/*.cuh)
if [ ${#sources[@]} -eq 0 ]; then
    echo "build-kernels: no kernels in $SRC" >&2
    exit 1
fi

mkdir -p "$OUT_DIR"
cp -p "${sources[@]}" "${headers[@]}" "$OUT_DIR/"

if ! command -v "$NVCC" >/dev/null 2>&1; then
    if [ "${CLM_REQUIRE_NVCC:-0}" = "1" ]; then
        echo "build-kernels: nvcc not found and CLM_REQUIRE_NVCC=1" >&2
        exit 1
    fi
    echo "build-kernels: nvcc not found; copied the kernel sources only (NVRTC compiles them at first use)"
    exit 0
fi

if [ -f "$FATBIN" ] && [ "${CLM_FORCE_KERNELS:-0}" != "1" ]; then
    stale=0
    for f in "${sources[@]}" "${headers[@]}" "${BASH_SOURCE[0]}"; do
        if [ "$f" -nt "$FATBIN" ]; then stale=1; fi
    done
    if [ $stale -eq 0 ]; then
        echo "build-kernels: $FATBIN is up to date"
        exit 0
    fi
fi

# The single translation unit: one #include per family, in a stable (sorted) order.
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
UNIT="$WORK/clm4j_kernels.cu"
for f in "${sources[@]}"; do
    echo "#include \"$(basename "$f")\""
done > "$UNIT"

echo "build-kernels: $("$NVCC" --version | tail -n 1)"
echo "build-kernels: compiling ${#sources[@]} kernel families into $FATBIN"
# shellcheck disable=SC2086
"$NVCC" -fatbin -std=c++17 -I "$SRC" -lineinfo \
    -gencode arch=compute_80,code=sm_80 \
    -gencode arch=compute_90,code=sm_90 \
    -gencode arch=compute_90,code=compute_90 \
    ${CLM_NVCC_FLAGS:-} \
    -o "$WORK/clm4j.fatbin" "$UNIT"
mv "$WORK/clm4j.fatbin" "$FATBIN"
echo "build-kernels: wrote $FATBIN ($(wc -c < "$FATBIN") bytes)"
