#!/usr/bin/env bash
# Synth benchmark: the full app against a one-resource CDK Java app, both started the way the
# CDK CLI starts a Java app (a fresh JVM, jsii runtime), alternating, in the same run.
# Usage: test/bench/synth.sh [runs]   (default 5). Prints medians and their ratio.
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-5}
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20 AWS_EC2_METADATA_DISABLED=true

cp_file=$(mktemp)
trap 'rm -f "$cp_file"' EXIT
# In one reactor run, so sibling modules resolve to their target/ folders; the last module
# written is the system-tests one, whose test classpath has the app and the baseline.
mvn -q -B -pl test -am test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile="$cp_file"
classpath="test/target/test-classes:$(cat "$cp_file")"

time_ms() { # main class -> wall milliseconds of one synth into a fresh outdir
  local out start end
  out=$(mktemp -d)
  start=$(date +%s%N)
  CDK_OUTDIR="$out" java -cp "$classpath" "$1" > /dev/null
  end=$(date +%s%N)
  rm -rf "$out"
  echo $(( (end - start) / 1000000 ))
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2))}'; }

time_ms dev.refarch.realtime.bench.OneResourceApp > /dev/null # warm the jsii cache and page cache
full=(); base=()
for _ in $(seq "$runs"); do
  base+=("$(time_ms dev.refarch.realtime.bench.OneResourceApp)")
  full+=("$(time_ms dev.refarch.realtime.infra.RealtimeApp)")
done
b=$(printf '%s\n' "${base[@]}" | median)
f=$(printf '%s\n' "${full[@]}" | median)
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(java -version 2>&1 | head -1)"
echo "one-resource app: ${base[*]} ms (median $b)"
echo "full app:         ${full[*]} ms (median $f)"
awk -v f="$f" -v b="$b" 'BEGIN {printf "ratio full/one-resource: %.2f\n", f / b}'
# One more full synth, timed by phase inside its JVM (SynthPhases).
out=$(mktemp -d)
CDK_OUTDIR="$out" java -cp "$classpath" dev.refarch.realtime.bench.SynthPhases | grep '^phases:'
rm -rf "$out"
