#!/usr/bin/env bash
# Synth benchmark: the full app against a one-resource CDK Java app, both started the way the
# CDK CLI starts a Java app (a fresh JVM, jsii runtime) and with the environment it gives one
# (below), alternating, in the same run.
# Usage: test/bench/synth.sh [runs]   (default 5). Prints medians and their ratio.
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-5}
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20 AWS_EC2_METADATA_DISABLED=true CDK_DISABLE_CLI_TELEMETRY=true

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# What the CDK CLI hands an app: its context (cdk.json's plus the CLI's own keys: path and asset
# metadata, version reporting, bundling) and its version variables. Taken from the pinned CLI
# itself (npm ci), so both apps are timed as `cdk synth` runs them, whatever a CLI version adds.
[ -x node_modules/.bin/cdk ] || { echo "the CDK CLI is missing: run npm ci --no-audit --no-fund" >&2; exit 1; }
cat > "$work/capture.sh" <<'EOF'
#!/bin/sh
# Run by the CLI as the app: keeps what it was given, then fails (nothing to synthesize).
for name in CDK_CONTEXT_JSON CDK_CLI_VERSION CDK_CLI_ASM_VERSION CDK_DEFAULT_REGION CDK_DEFAULT_ACCOUNT; do
  value=$(printenv "$name" || true)
  [ -n "$value" ] && printf %s "$value" > "$CAPTURE_DIR/env.$name"
done
# A large context comes as a file, which the CLI deletes afterwards.
[ -n "${CDK_CONTEXT_FILE-}" ] && cp "$CDK_CONTEXT_FILE" "$CAPTURE_DIR/context.json"
exit 3
EOF
chmod +x "$work/capture.sh"
CAPTURE_DIR="$work" node_modules/.bin/cdk synth --no-notices --app "$work/capture.sh" -o "$work/cli-out" \
  > /dev/null 2>&1 || true
[ -s "$work/env.CDK_CLI_VERSION" ] || { echo "could not capture the CDK CLI's environment" >&2; exit 1; }
for f in "$work"/env.*; do export "${f##*/env.}=$(cat "$f")"; done
if [ -f "$work/context.json" ]; then export CDK_CONTEXT_FILE="$work/context.json"; fi

# In one reactor run, so sibling modules resolve to their target/ folders; the last module
# written is the system-tests one, whose test classpath has the app and the baseline.
mvn -q -B -pl test -am test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile="$work/classpath"
classpath="test/target/test-classes:$(cat "$work/classpath")"

synth() { # main class, outdir: one synth as the CLI runs it (it also names these two files)
  CDK_OUTDIR="$2" CDK_PERF_COUNTERS_FILE="$2/performance-counters.json" CDK_ERROR_FILE="$2/error.txt" \
    java -cp "$classpath" "$1"
}
time_ms() { # main class -> "wall cpu" milliseconds of one synth into a fresh outdir (cpu: JVM and node)
  local out t TIMEFORMAT='%R %U %S'
  out=$(mktemp -d)
  t=$( { time synth "$1" "$out" > /dev/null 2> "$work/stderr"; } 2>&1 ) || { cat "$work/stderr" >&2; exit 1; }
  rm -rf "$out"
  awk -v t="$t" 'BEGIN {split(t, a, " "); printf "%d %d\n", a[1] * 1000, (a[2] + a[3]) * 1000}'
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2))}'; }

time_ms dev.refarch.realtime.bench.OneResourceApp > /dev/null # warm the jsii cache and page cache
full=(); base=(); full_cpu=(); base_cpu=()
for _ in $(seq "$runs"); do
  t=$(time_ms dev.refarch.realtime.bench.OneResourceApp); base+=("${t% *}"); base_cpu+=("${t#* }")
  t=$(time_ms dev.refarch.realtime.infra.RealtimeApp); full+=("${t% *}"); full_cpu+=("${t#* }")
done
b=$(printf '%s\n' "${base[@]}" | median)
f=$(printf '%s\n' "${full[@]}" | median)
bc=$(printf '%s\n' "${base_cpu[@]}" | median)
fc=$(printf '%s\n' "${full_cpu[@]}" | median)
context_keys=$(node -e 'const c = process.env.CDK_CONTEXT_FILE ? require(process.env.CDK_CONTEXT_FILE)
  : JSON.parse(process.env.CDK_CONTEXT_JSON || "{}");
  console.log(Object.keys(c).filter(k => k.startsWith("aws:cdk:")).join(" "))')
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(java -version 2>&1 | head -1)," \
  "load average at the end $(cut -d' ' -f1-3 /proc/loadavg)"
echo "as CDK CLI $CDK_CLI_VERSION runs an app: cdk.json context + $context_keys"
echo "one-resource app: ${base[*]} ms (median $b); CPU ${base_cpu[*]} ms (median $bc)"
echo "full app:         ${full[*]} ms (median $f); CPU ${full_cpu[*]} ms (median $fc)"
# The wall-time ratio is the bound; the CPU-time one moves less with what else the machine runs.
awk -v f="$f" -v b="$b" -v fc="$fc" -v bc="$bc" \
  'BEGIN {printf "ratio full/one-resource: %.2f (CPU time: %.2f)\n", f / b, fc / bc}'
# One more full synth, timed by phase inside its JVM (SynthPhases).
synth dev.refarch.realtime.bench.SynthPhases "$work/phases" | grep '^phases:'
