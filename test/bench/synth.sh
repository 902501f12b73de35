#!/usr/bin/env bash
# Synth benchmark: the full app against a one-resource CDK Java app, both started the way the
# CDK CLI starts a Java app (a fresh JVM, jsii runtime) and with the environment it gives one
# (below), alternating, in the same run.
# Usage: test/bench/synth.sh [runs]   (default 5). Prints medians and their ratio.
#        test/bench/synth.sh --profile   one full synth under node's CPU profiler (the jsii runtime's
#        side, where the synth runs): milliseconds by kind of work, and the costliest functions.
set -euo pipefail
cd "$(dirname "$0")/../.."
profile=false
if [ "${1-}" = --profile ]; then profile=true; shift; fi
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
  -Dmdep.includeScope=test -Dmdep.outputFile="$work/classpath" > "$work/build.log" 2>&1 \
  || { cat "$work/build.log" >&2; exit 1; }
classpath="test/target/test-classes:$(cat "$work/classpath")"

synth() { # main class, outdir: one synth as the CLI runs it (it also names these two files)
  CDK_OUTDIR="$2" CDK_PERF_COUNTERS_FILE="$2/performance-counters.json" CDK_ERROR_FILE="$2/error.txt" \
    java -cp "$classpath" "$1"
}
profile() { # one full synth with the jsii runtime's kernel process under node --cpu-prof
  local jar rt launcher
  jar=$(tr ':' '\n' <<< "$classpath" | grep '/jsii-runtime-[^/]*\.jar$' | head -1)
  rt="$work/jsii-runtime"
  launcher="$rt/software/amazon/jsii/bin/jsii-runtime.js"
  mkdir -p "$rt" "$work/prof"
  (cd "$rt" && unzip -q "$jar" 'software/amazon/jsii/bin/*' 'software/amazon/jsii/lib/*')
  # The bundled launcher forwards every signal to the kernel process it spawns, SIGPROF included,
  # so only the kernel can run under the profiler: the flags go to it, not to the launcher.
  sed -i 's|\[\.\.\.process\.execArgv,"--preserve-symlinks"|[...process.execArgv,"--cpu-prof","--cpu-prof-dir='"$work/prof"'","--preserve-symlinks"|' \
    "$launcher"
  grep -q -- --cpu-prof "$launcher" || { echo "cannot patch the jsii runtime's launcher" >&2; exit 1; }
  printf '#!/bin/sh\nexec node %s "$@"\n' "$launcher" > "$rt/run.sh"
  chmod +x "$rt/run.sh"
  JSII_RUNTIME="$rt/run.sh" synth dev.refarch.realtime.infra.RealtimeApp "$work/profiled" > /dev/null
  node - "$work"/prof/*.cpuprofile <<'EOF'
// Each sample goes to the first kind, in this order, found anywhere on its stack.
const p = JSON.parse(require('fs').readFileSync(process.argv[2], 'utf8'));
const byId = new Map(p.nodes.map(n => [n.id, n])), parent = new Map();
p.nodes.forEach(n => (n.children || []).forEach(c => parent.set(c, n.id)));
const kinds = [
  ['garbage collection', f => f.functionName === '(garbage collector)'],
  ['CloudFormation Validate: engine start', f => f.functionName === '_singletonInstance'],
  ['CloudFormation Validate: rules', f => /cloudformation-validate-plugin/.test(f.url) && f.functionName === 'validate'],
  ['cdk-nag AwsSolutions rules', f => /cdk-nag/.test(f.url) && f.functionName === 'validate'],
  ['hashing cdk.out around validation', f => /^(snapshotFileHashes|hasModifiedPreExistingFiles)$/.test(f.functionName)],
  ['validation report', f => /synthesis-validation|construct-tree|validation\/report/.test(f.url)],
  ['asset staging', f => /asset-staging|fs\/fingerprint/.test(f.url)],
  ['aspects', f => /^invokeAspects/.test(f.functionName)],
  ['prepare (references)', f => f.functionName === 'prepareApp'],
  ['templates and tree', f => /^(synthesizeTree|synthesize)$/.test(f.functionName)],
  ['loading modules', f => f.functionName === 'Module._load'],
  ['waiting for the JVM', f => f.functionName === 'read' && !f.url],
  ['writing to the JVM', f => f.functionName === 'writeOkay'],
  ['constructing (jsii calls)', f => /program\.js$/.test(f.url)
    && /^(create|invoke|sinvoke|get|sget|set|naming|complete)$/.test(f.functionName)],
];
const total = new Map(), self = new Map();
let all = 0;
for (let i = 0; i < p.samples.length; i++) {
  const ms = (p.timeDeltas[i + 1] || 0) / 1000;
  all += ms;
  let id = p.samples[i], kind = 'other';
  const leaf = byId.get(id).callFrame;
  const fn = `${leaf.functionName || '(anonymous)'} ${leaf.url.replace(/.*node_modules\//, '')}`;
  self.set(fn, (self.get(fn) || 0) + ms);
  const stack = [];
  for (; id !== undefined; id = parent.get(id)) stack.push(byId.get(id).callFrame);
  kind = (kinds.find(([, test]) => stack.some(test)) || ['other'])[0];
  total.set(kind, (total.get(kind) || 0) + ms);
}
const print = (m, n) => [...m].sort((a, b) => b[1] - a[1]).slice(0, n)
  .forEach(([k, v]) => console.log(`${v.toFixed(0).padStart(7)} ms  ${k}`));
console.log(`jsii runtime (node) process: ${all.toFixed(0)} ms, by kind of work:`);
print(total, 20);
console.log('costliest functions (self time):');
print(self, 15);
EOF
}
time_ms() { # main class -> "wall cpu" milliseconds of one synth into a fresh outdir (cpu: JVM and node)
  local out t TIMEFORMAT='%R %U %S'
  out=$(mktemp -d)
  t=$( { time synth "$1" "$out" > /dev/null 2> "$work/stderr"; } 2>&1 ) || { cat "$work/stderr" >&2; exit 1; }
  rm -rf "$out"
  awk -v t="$t" 'BEGIN {split(t, a, " "); printf "%d %d\n", a[1] * 1000, (a[2] + a[3]) * 1000}'
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2))}'; }

if $profile; then profile; exit 0; fi
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
