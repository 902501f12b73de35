#!/usr/bin/env bash
# Producer priming benchmark: the time to create the tick producer's Kafka producer (deployed
# SASL_SSL settings) in a fresh JVM from the producer's jar, without and with the SnapStart
# priming (TickProducer.prime) first, alternating. Uses the Temurin 25 JDK when present (Lambda's
# java25 runtime), else `java`. Ends by itself once it has printed its result.
# Usage: test/bench/producer-priming.sh [runs]   (default 9)
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-9}
java_bin=java
[ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ] && java_bin=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java

cp_file=$(mktemp)
trap 'rm -f "$cp_file"' EXIT
mvn -q -B -pl lambdas/msk-producer -am package -DskipTests
mvn -q -B -pl test -am test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile="$cp_file"
"$java_bin" -cp "test/target/test-classes:$(cat "$cp_file")" dev.refarch.realtime.bench.ProducerPrimingBench \
  "$java_bin" "$(pwd)" "$runs"
