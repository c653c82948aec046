#!/usr/bin/env bash
# Runs the CUDA backend's tests with NO GPU: the kernels (kernels/*.cu) are compiled as host C++
# and run on CPU fibers behind a stand-in libcuda.so.1, cuBLAS's Sgemm is a host loop, and the
# real JavaCPP JNI wrappers, Java backend and tests run unchanged. A developer tool for checking a
# kernel or launch change before it reaches a GPU; not a substitute for the GPU run
# (native/gpu-check.sh): it is slow (the full suite takes about 12 minutes on 2 cores), runs
# threads one at a time (so it cannot show races), and its float math is the host's.
#
#   native/emu/run-on-cpu.sh [JUnit console selectors]   (default: --select-package dev.clm4j.tensor.cuda)
#   e.g. native/emu/run-on-cpu.sh --select-class dev.clm4j.tensor.cuda.CudaDenseOpsTest
#
# Needs: gcc/g++, python3, nm, Maven (offline is fine once the project has built), a JDK 17, and
# libcudart.so.13 (the JNI wrapper links it; the pip nvidia-cuda-runtime package or a toolkit has it).
# NVRTC is optional: libnvrtc.so.13 is used if found, an older libnvrtc.so.1x through a forwarding
# shim, otherwise KernelLoadingTest is left out.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$ROOT/native/emu"
WORK="$ROOT/target/emu"
LIB="$WORK/lib"
rm -rf "$WORK"
mkdir -p "$LIB" "$WORK/jni"

cd "$ROOT"
mvn -q -B -o test-compile
native/build-kernels.sh "$ROOT/target/classes/dev/clm4j/kernels" >/dev/null
mvn -q -B -o dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$WORK/classpath.txt" >/dev/null
CUDA_JAR=$(tr ':' '\n' < "$WORK/classpath.txt" | grep 'cuda-.*-linux-x86_64.jar$' | head -n 1)
(cd "$WORK/jni" && unzip -q -o "$CUDA_JAR" 'org/bytedeco/cuda/linux-x86_64/libjnicudart.so' \
    'org/bytedeco/cuda/linux-x86_64/libjnicublas.so' 'org/bytedeco/cuda/linux-x86_64/libjninvrtc.so')
JNI="$WORK/jni/org/bytedeco/cuda/linux-x86_64"

# Stubs (returning an error) for every symbol of LIB that a JNI wrapper imports, minus those defined in DEFINED.
stubs() {  # $1: wrapper, $2: regex of the imported symbols, $3: file with definitions, $4: output
    nm -D --undefined-only "$1" | awk '{print $2}' | grep -E "$2" | sed 's/@.*//' | sort -u \
        | grep -v -x -F -f <(grep -o -E '\b(cu|cublas)[A-Za-z0-9_]+\(' "$3" | tr -d '(' | sort -u) \
        | awk '{print "int " $1 "(void) { return 100; }"}' > "$4"
}

echo "run-on-cpu: building the emulated driver and kernels"
stubs "$JNI/libjnicudart.so" '^cu[A-Z]' "$HERE/driver.c" "$WORK/driver_stubs.c"
python3 "$HERE/gen_kernels.py" "$ROOT/kernels" "$WORK"
gcc -c -fPIC -O1 -o "$WORK/driver.o" "$HERE/driver.c"
gcc -c -fPIC -O1 -o "$WORK/driver_stubs.o" "$WORK/driver_stubs.c"
g++ -std=c++20 -c -fPIC -O2 -ffp-contract=off -I "$HERE" -o "$WORK/emu_runtime.o" "$HERE/emu_runtime.cpp"
g++ -std=c++20 -c -fPIC -O2 -ffp-contract=off -I "$HERE" -I "$WORK" -o "$WORK/emu_kernels.o" "$WORK/emu_kernels.cpp"
g++ -shared -o "$LIB/libcuda.so.1" -Wl,-soname,libcuda.so.1 "$WORK"/driver.o "$WORK"/driver_stubs.o \
    "$WORK"/emu_runtime.o "$WORK"/emu_kernels.o

stubs "$JNI/libjnicublas.so" '@libcublas\.so\.13$' "$HERE/cublas.c" "$WORK/cublas_stubs.c"
echo 'libcublas.so.13 { global: *; };' > "$WORK/cublas.map"
gcc -shared -fPIC -o "$LIB/libcublas.so.13" -Wl,-soname,libcublas.so.13 -Wl,--version-script="$WORK/cublas.map" \
    "$HERE/cublas.c" "$WORK/cublas_stubs.c"
nm -D --undefined-only "$JNI/libjnicublas.so" | awk '{print $2}' | grep '@libcublasLt\.so\.13$' | sed 's/@.*//' \
    | sort -u | awk '{print "int " $1 "(void) { return 100; }"}' > "$WORK/cublasLt_stubs.c"
echo 'libcublasLt.so.13 { global: *; };' > "$WORK/cublasLt.map"
gcc -shared -fPIC -o "$LIB/libcublasLt.so.13" -Wl,-soname,libcublasLt.so.13 -Wl,--version-script="$WORK/cublasLt.map" \
    "$WORK/cublasLt_stubs.c"

find_first() {
    for d in /usr/local/cuda*/lib64 /usr/local/cuda*/targets/x86_64-linux/lib /usr/local/cuda*/lib \
             /usr/lib/x86_64-linux-gnu /usr/lib64; do
        for f in $d/$1; do [ -e "$f" ] && { echo "$f"; return 0; }; done
    done
    return 0
}
CUDART=$(find_first libcudart.so.13)
[ -n "$CUDART" ] || { echo "run-on-cpu: libcudart.so.13 not found (pip install nvidia-cuda-runtime, or a CUDA 13 toolkit)" >&2; exit 1; }
LD_PATH="$LIB:$(dirname "$CUDART")"

EXCLUDE=()
NVRTC=$(find_first libnvrtc.so.13)
if [ -n "$NVRTC" ]; then
    LD_PATH="$LD_PATH:$(dirname "$NVRTC")"
else
    OLD=$(find_first 'libnvrtc.so.1[12]*')
    if [ -n "$OLD" ]; then
        echo "run-on-cpu: NVRTC through a shim over $OLD"
        { echo '#include <dlfcn.h>'; echo '#include <stdio.h>'; echo '#include <stdlib.h>'
          echo "static void* sym(const char* n) { static void* lib; if (!lib && !(lib = dlopen(\"$OLD\", RTLD_NOW))) { fprintf(stderr, \"%s\\n\", dlerror()); abort(); } return dlsym(lib, n); }"
          echo 'typedef long (*fn)(long, long, long, long, long, long);'
          nm -D --undefined-only "$JNI/libjninvrtc.so" | awk '{print $2}' | grep '@libnvrtc\.so\.13$' | sed 's/@.*//' | sort -u \
            | awk '{print "long " $1 "(long a, long b, long c, long d, long e, long f) { fn p = (fn)sym(\"" $1 "\"); return p ? p(a, b, c, d, e, f) : 7; }"}'
        } > "$WORK/nvrtc_shim.c"
        sed -i 's/^long nvrtcGetErrorString(\(.*\)) { fn p = (fn)sym("nvrtcGetErrorString"); return p ? p(a, b, c, d, e, f) : 7; }/const char* nvrtcGetErrorString(\1) { fn p = (fn)sym("nvrtcGetErrorString"); return p ? (const char*)p(a, b, c, d, e, f) : "?"; }/' "$WORK/nvrtc_shim.c"
        echo 'libnvrtc.so.13 { global: *; };' > "$WORK/nvrtc.map"
        gcc -shared -fPIC -o "$LIB/libnvrtc.so.13" -Wl,-soname,libnvrtc.so.13 -Wl,--version-script="$WORK/nvrtc.map" \
            "$WORK/nvrtc_shim.c" -ldl
    else
        echo "run-on-cpu: no NVRTC found; leaving out KernelLoadingTest"
        EXCLUDE=(--exclude-classname '.*KernelLoadingTest')
    fi
fi

CONSOLE="$ROOT/.carry/lib/junit-platform-console-standalone-1.10.2.jar"
if [ ! -f "$CONSOLE" ]; then
    mvn -q -B dependency:copy -Dartifact=org.junit.platform:junit-platform-console-standalone:1.10.2 -DoutputDirectory="$WORK"
    CONSOLE="$WORK/junit-platform-console-standalone-1.10.2.jar"
fi
SELECT=("$@")
[ ${#SELECT[@]} -eq 0 ] && SELECT=(--select-package dev.clm4j.tensor.cuda)

echo "run-on-cpu: running ${SELECT[*]} on the CPU emulation"
LD_LIBRARY_PATH="$LD_PATH" java -Xmx8g -Dorg.bytedeco.javacpp.cachedir="$WORK/javacpp-cache" -jar "$CONSOLE" execute \
    --class-path "$ROOT/target/test-classes:$ROOT/target/classes:$(cat "$WORK/classpath.txt")" \
    "${SELECT[@]}" "${EXCLUDE[@]}" --details=tree --details-theme=ascii --disable-banner --disable-ansi-colors
