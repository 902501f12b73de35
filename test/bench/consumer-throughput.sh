#!/usr/bin/env bash
# Consumer throughput benchmark (SPEC §7): a 10,000-record MSK batch over 10 partitions to a
# local endpoint on 127.0.0.1 that answers each request after 20 ms, this consumer against the
# original's one-request-per-record approach, in the same run (the original on a 1,000-record
# prefix: all 10,000 would take ~200 s). Both runs check per-symbol order and count.
# The third argument "shipped" spreads the ticks as the shipped configuration does (cdk.json's
# symbols keyed onto its partitions); the default is one symbol per partition.
# Usage: test/bench/consumer-throughput.sh [records] [baseline-records] [shipped]
set -euo pipefail
cd "$(dirname "$0")/../.."

cp_file=$(mktemp)
trap 'rm -f "$cp_file"' EXIT
# One reactor run, so the sibling modules resolve to their target/ folders.
mvn -q -B -pl lambdas/msk-consumer -am -DskipTests test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile="$cp_file"
classpath="lambdas/msk-consumer/target/test-classes:lambdas/msk-consumer/target/classes:$(cat "$cp_file")"

# The consumer flushes Powertools metrics per batch: "Local" writes the EMF lines to stdout instead of
# letting the EMF library probe EC2/ECS metadata endpoints outside Lambda.
AWS_EMF_ENVIRONMENT=Local java -Xmx512m -cp "$classpath" dev.refarch.realtime.consumer.ConsumerThroughputBenchmark "$@"
