#!/usr/bin/env bash
# Packs what native/gpu-check.sh needs to run the CUDA tests on a GPU machine that has neither Java
# nor Maven, into .carry/ (git-ignored; carried to the device next to the working tree):
#
#   .carry/jre/           a jlink runtime (Java 17, only the modules the tests need)
#   .carry/classes/       target/classes, with the kernel fatbin (when nvcc is here) and .cu sources
#   .carry/test-classes/  the tensor test classes (dev/clm4j/tensor/**)
#   .carry/lib/           JavaCPP + CUDA presets (with the linux-x86_64 JNI wrappers), commons-math3,
#                         junit-platform-console-standalone
#   .carry/MANIFEST       what was packed, from which commit
#
# Usage: native/make-carry.sh            (MVN_FLAGS="-o" by default: offline; set MVN_FLAGS= to allow downloads)
# Needs: a JDK 17 with jlink (JLINK_JDK, default /usr/lib/jvm/java-17-openjdk-amd64), Maven.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CARRY="$ROOT/.carry"
JDK="${JLINK_JDK:-/usr/lib/jvm/java-17-openjdk-amd64}"
MVN_FLAGS="${MVN_FLAGS--o}"
JUNIT_CONSOLE="org.junit.platform:junit-platform-console-standalone:1.10.2"
LIMIT_MIB=60
# java.sql brings java.xml and java.logging (JUnit's console launcher and its XML reports);
# jdk.unsupported is JavaCPP's Unsafe; jdk.incubator.vector is on the project's module path.
MODULES="java.base,java.logging,java.xml,java.sql,java.management,jdk.unsupported,jdk.incubator.vector"

cd "$ROOT"
echo "make-carry: compiling main and test classes"
# shellcheck disable=SC2086
mvn -q -B $MVN_FLAGS test-compile
echo "make-carry: building kernels"
native/build-kernels.sh "$ROOT/target/classes/dev/clm4j/kernels"

rm -rf "$CARRY"
mkdir -p "$CARRY/lib" "$CARRY/test-classes/dev/clm4j"

echo "make-carry: copying jars"
# shellcheck disable=SC2086
mvn -q -B $MVN_FLAGS dependency:copy-dependencies -DincludeScope=runtime \
    -DincludeGroupIds=org.bytedeco,org.apache.commons -DexcludeArtifactIds=commons-csv \
    -DoutputDirectory="$CARRY/lib"
# shellcheck disable=SC2086
mvn -q -B $MVN_FLAGS dependency:copy -Dartifact="$JUNIT_CONSOLE" -DoutputDirectory="$CARRY/lib"

echo "make-carry: copying classes"
cp -r "$ROOT/target/classes" "$CARRY/classes"
cp -r "$ROOT/target/test-classes/dev/clm4j/tensor" "$CARRY/test-classes/dev/clm4j/tensor"

echo "make-carry: linking a Java runtime from $JDK"
"$JDK/bin/jlink" --add-modules "$MODULES" --strip-debug --no-header-files --no-man-pages --compress=2 \
    --output "$CARRY/jre"

{
    echo "made: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "commit: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown) (plus uncommitted changes, if any)"
    echo "java: $("$CARRY/jre/bin/java" -version 2>&1 | head -n 1)"
    echo "fatbin: $([ -f "$CARRY/classes/dev/clm4j/kernels/clm4j.fatbin" ] && echo yes || echo "no (NVRTC at first use)")"
    echo "jars:"
    (cd "$CARRY/lib" && ls -1 | sed 's/^/  /')
} > "$CARRY/MANIFEST"

size_kib=$(du -sk "$CARRY" | cut -f1)
echo "make-carry: $CARRY is $((size_kib / 1024)) MiB"
cat "$CARRY/MANIFEST"
if [ "$size_kib" -gt $((LIMIT_MIB * 1024)) ]; then
    echo "make-carry: over the ${LIMIT_MIB} MiB limit" >&2
    exit 1
fi
