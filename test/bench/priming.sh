#!/usr/bin/env bash
# SnapStart priming benchmark: in a fresh JVM from each function's jar, the first step a restored
# environment takes (the producer: creating its Kafka producer with the deployed SASL_SSL settings;
# the consumer: its first batch of 100 ticks to a loopback AppSync stand-in), without and with the
# function's priming before it, alternating. Uses the Temurin 25 JDK when present (Lambda's java25
# runtime), else `java`. Ends by itself once it has printed its result.
# Usage: test/bench/priming.sh [runs]   (default 9)
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-9}
java_bin=java
[ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ] && java_bin=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java

cp_file=$(mktemp)
trap 'rm -f "$cp_file"' EXIT
mvn -q -B -pl lambdas/msk-producer,lambdas/msk-consumer -am package -DskipTests
mvn -q -B -pl test -am test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile="$cp_file"
"$java_bin" -cp "test/target/test-classes:$(cat "$cp_file")" dev.refarch.realtime.bench.PrimingBench \
  "$java_bin" "$(pwd)" "$runs"
