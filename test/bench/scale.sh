#!/usr/bin/env bash
# The scale model on the local run: the same vote storm against one shard per reaction and against N, with
# DynamoDB's per-item write ceiling emulated and scaled down, the Reviews stream as several shards; accepted
# votes/s, refusals, latency, onReviews boards per subscriber, exactness (exit 1 if not exact), and the model
# at 200,000 votes/s and 1,000,000 viewers.
# Usage: test/bench/scale.sh [clients] [storm seconds] [subscribers] [ceiling] [shards] [stream shards]
#        (defaults 16 40 100 5 4 2; about 4 minutes after the build)
set -euo pipefail
cd "$(dirname "$0")/../.."
export NODE_NO_WARNINGS=1
[ -d node_modules/@aws-amplify/amplify-appsync-simulator ] || npm ci --no-audit --no-fund

cp_file=$(mktemp)
trap 'rm -f "$cp_file"' EXIT
mvn -q -B -pl local -am package -DskipTests
mvn -q -B -pl test -am test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile="$cp_file"
echo "machine: $(nproc) cores; $(uptime)"
java -cp "test/target/test-classes:$(cat "$cp_file")" dev.refarch.realtime.bench.ScaleBench \
  "$(pwd)" "${1:-16}" "${2:-40}" "${3:-100}" "${4:-5}" "${5:-4}" "${6:-2}"
echo "after: $(uptime)"
