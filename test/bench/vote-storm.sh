#!/usr/bin/env bash
# Vote storm on the local run: bounded review broadcast against per-vote broadcast, in the same run.
# Usage: test/bench/vote-storm.sh [clients] [votes/s] [seconds] [subscribers]   (defaults 50 2000 60 100)
set -euo pipefail
cd "$(dirname "$0")/../.."
export NODE_NO_WARNINGS=1
[ -d node_modules/@aws-amplify/amplify-appsync-simulator ] || npm ci --no-audit --no-fund

cp_file=$(mktemp)
mvn -q -B -pl local -am package -DskipTests
mvn -q -B -pl test -am test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile="$cp_file"
java -cp "test/target/test-classes:$(cat "$cp_file")" dev.refarch.realtime.bench.VoteStormBench \
  "$(pwd)" "${1:-50}" "${2:-2000}" "${3:-60}" "${4:-100}"
