#!/usr/bin/env bash
# Cold-start benchmark: each function handler in a fresh JVM under AWS's Lambda runtime interface
# client against a local Runtime API, init + first invocation, beside a no-op Java handler in the
# same run. Uses the Temurin 25 JDK when present (Lambda's java25 runtime), else `java`.
# Usage: test/bench/cold-start.sh [runs]   (default 5)
#   BASELINE_JARS=<dir>  also measures <dir>/{movie-rotator,msk-producer,msk-consumer}.jar in the same
#                        run (e.g. copies of the jars before a change), as "<function>.baseline"
#   TOOL_OPTIONS='<opts>' also measures each function with JAVA_TOOL_OPTIONS=<opts> in its environment,
#                        as "<function>.tool-options"
# The benchmark JVM exits by itself once it has printed its table.
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-5}
java_bin=java
[ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ] && java_bin=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
export NODE_NO_WARNINGS=1

cp_file=$(mktemp)
trap 'rm -f "$cp_file"' EXIT
mvn -q -B package -DskipTests
mvn -q -B -pl test -am test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile="$cp_file"
noop_cp="test/target/test-classes:$(grep -o '[^:]*aws-lambda-java-core[^:]*' "$cp_file" | head -1)"
"$java_bin" -cp "test/target/test-classes:$(cat "$cp_file")" dev.refarch.realtime.bench.ColdStartBench \
  "$java_bin" "$(tr ':' '\n' < "$cp_file" | grep -E 'aws-lambda-java-(runtime-interface-client|core|serialization)' | paste -sd:)" \
  "$noop_cp" "$(pwd)" "$runs" "${BASELINE_JARS:-}" "${TOOL_OPTIONS:-}"
