#!/usr/bin/env bash
# Local run benchmark: time from `java -jar local/target/local.jar` to ready, producer-to-subscriber
# tick latency p50/p99 through the whole local run (Kafka, event source mapping poller, consumer
# function, AppSync simulator, WebSocket), the simulator's own publish-to-subscriber latency in the
# same run, and the resident memory of the runner and all its processes; twice, one run after the
# other: with the IAM gateway not checking calls (--iam=off, the baseline), then checking every one.
# Usage: test/bench/local-latency.sh [ticks] [tick interval ms]   (defaults 1000 and 50)
set -euo pipefail
cd "$(dirname "$0")/../.."
ticks=${1:-1000}
interval=${2:-50}
export NODE_NO_WARNINGS=1
[ -d node_modules/@aws-amplify/amplify-appsync-simulator ] || npm ci --no-audit --no-fund

cp_file=$(mktemp)
mvn -q -B -pl local -am package -DskipTests
mvn -q -B -pl test -am test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile="$cp_file"
java -cp "test/target/test-classes:$(cat "$cp_file")" dev.refarch.realtime.bench.LocalLatencyBench \
  "$(pwd)" "$ticks" "$interval"
