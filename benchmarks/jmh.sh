#!/usr/bin/env bash
# JMH kernel benchmarks of the cpu backend (benchmarks/jmh/java), built by the `jmh` Maven profile.
# Usage: benchmarks/jmh.sh [JMH options, e.g. -p threads=1 gemm]
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -B -Pjmh -DskipTests test-compile >&2
mvn -q -B -Pjmh dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt >&2
cp=$(cat target/test-classpath.txt)
exec java --add-modules jdk.incubator.vector -cp "target/classes:target/test-classes:$cp" org.openjdk.jmh.Main "$@"
