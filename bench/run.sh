#!/usr/bin/env bash
# The wasmcap benchmark suite, one command: bench/run.sh
#
# Installs its peers (npm into bench/node_modules from the committed lockfile, PyPI into
# bench/.venv from bench/requirements.txt, gcc/hyperfine from Debian if missing), builds
# wasmcap (release) and the native C harnesses, measures everything on this machine in one
# run, then writes bench/RESULTS.md and bench/results.png from the raw data, which it keeps in
# bench/data/ (committed with them: `report.py bench/data ...` re-derives the tables).
#
# The results describe the tree they are committed with, so a tree with uncommitted changes
# to what is measured is refused (BENCH_ALLOW_DIRTY=1 measures it anyway, marked "-dirty").
#
#   bench/run.sh            the full run (about 5 minutes on 2 cores, see bench/README.md)
#   BENCH_QUICK=1 bench/run.sh   a smoke run: 2 repetitions of >= 50 ms, fewer cold starts
#   BENCH_ONLY="aead twosum" bench/run.sh   only these sections (aead twosum coldstart
#                                           instantiate), then the report from what is in out/
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bench=$root/bench
out=$bench/out
cd "$root"

if [[ -n ${BENCH_QUICK:-} ]]; then
    REPS=2 MIN_MS=50 RUNS=3 HF_RUNS=5 HF_WARMUP=1
else
    REPS=5 MIN_MS=200 RUNS=10 HF_RUNS=30 HF_WARMUP=3
fi
ONLY=${BENCH_ONLY:-aead twosum coldstart instantiate host}
wants() { [[ " $ONLY " == *" $1 "* ]]; }

# What is measured: everything but the bench's own outputs.
measured=(src js guest bench build.rs Cargo.toml Cargo.lock ':!bench/RESULTS.md' ':!bench/results.png' ':!bench/data')
commit=$(git -C "$root" rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
if ! git -C "$root" diff --quiet HEAD -- "${measured[@]}" 2>/dev/null; then
    if [[ -z ${BENCH_ALLOW_DIRTY:-} ]]; then
        echo "bench/run.sh: the tree has uncommitted changes to what it measures:" >&2
        git -C "$root" status --short -- "${measured[@]}" >&2
        echo "Commit them first (RESULTS.md must describe a commit), or BENCH_ALLOW_DIRTY=1 for a trial run." >&2
        exit 1
    fi
    commit=$commit-dirty
fi

started=$SECONDS
step() { printf '\n\033[1m[%3ds] %s\033[0m\n' "$((SECONDS - started))" "$*" >&2; }
die() { echo "bench/run.sh: $*" >&2; exit 1; }

# --- peers ----------------------------------------------------------------------------

step "tools"
apt_updated=
apt_install() {
    [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null || die "needs Debian packages $* (apt-get install $*)"
    [[ -n $apt_updated ]] || { apt-get update -qq; apt_updated=1; }
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}
command -v gcc >/dev/null || apt_install gcc libc6-dev
command -v hyperfine >/dev/null || apt_install hyperfine
command -v node >/dev/null || die "needs Node.js >= 20.19 (for @noble/ciphers 2.4.0)"
node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)' ||
    die "needs Node.js >= 20.19, found $(node --version)"
command -v python3 >/dev/null || apt_install python3 python3-venv

step "npm peers (bench/package-lock.json)"
if ! cmp -s "$bench/package-lock.json" "$bench/node_modules/.installed-package-lock.json" 2>/dev/null; then
    (cd "$bench" && npm ci --no-audit --no-fund --loglevel=error)
    cp "$bench/package-lock.json" "$bench/node_modules/.installed-package-lock.json"
fi
(cd "$bench" && node -e 'for (const p of ["libsodium-wrappers", "@noble/ciphers", "sodium-native"])
    console.error(`  ${p} ${require(`./node_modules/${p}/package.json`).version}`)')

step "Python peers (bench/requirements.txt into bench/.venv)"
venv=$bench/.venv
if [[ ! -x $venv/bin/python ]]; then
    python3 -m venv "$venv" 2>/dev/null || { apt_install python3-venv && python3 -m venv "$venv"; }
fi
if ! cmp -s "$bench/requirements.txt" "$venv/.installed-requirements.txt"; then
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$bench/requirements.txt"
    cp "$bench/requirements.txt" "$venv/.installed-requirements.txt"
fi
py=$venv/bin/python
deno=$venv/bin/deno
echo "  wasmtime $("$py" -c 'import importlib.metadata as m; print(m.version("wasmtime"))'), $("$deno" --version | head -n1)" >&2

step "wasmcap (cargo build --release)"
for env in "$root/../shared/v8/env.sh"; do [[ -f $env ]] && source "$env"; done
cargo build --release --quiet --bin wasmcap --example bench_host
wasmcap=$root/target/release/wasmcap

step "native harnesses (gcc -O3 -march=native)"
mono=$("$root/guest/build.sh" --monocypher-dir)
mkdir -p "$out"
gcc -O3 -march=native -std=gnu11 -I "$mono" -o "$out/aead_c" "$bench/aead.c" "$mono/monocypher.c"
gcc -O3 -march=native -std=gnu11 -o "$out/twosum_c" "$bench/twosum.c"

# --- measurements ---------------------------------------------------------------------

common=(--reps "$REPS" --min-ms "$MIN_MS")
run_into() { # FILE COMMAND...: JSON lines into FILE, progress on the terminal
    local file=$1; shift
    "$@" >>"$file"
}

{
    echo "{\"bench\":\"env\",\"key\":\"load_before\",\"value\":\"$(cut -d' ' -f1-3 /proc/loadavg)\"}"
    echo "{\"bench\":\"env\",\"key\":\"quick\",\"value\":\"${BENCH_QUICK:-}\"}"
    echo "{\"bench\":\"env\",\"key\":\"sections\",\"value\":\"$ONLY\"}"
} >"$out/env.jsonl"

if wants aead; then
    step "AEAD throughput: lock (fresh nonce each) and unlock at 64 B, 1 KiB, 64 KiB, 1 MiB"
    : >"$out/aead.jsonl"
    run_into "$out/aead.jsonl" "$wasmcap" run bench/aead.js "${common[@]}"
    for impl in libsodium-wrappers noble sodium-native; do
        run_into "$out/aead.jsonl" node bench/aead_node.mjs "$impl" "${common[@]}"
    done
    run_into "$out/aead.jsonl" "$out/aead_c" "${common[@]}"
    run_into "$out/aead.jsonl" "$py" bench/peers.py aead "${common[@]}"
fi

if wants twosum; then
    step "Two Sum: 500,000 int32s, full scan, best of $RUNS (Python: of $((RUNS / 2)))"
    : >"$out/twosum.jsonl"
    run_into "$out/twosum.jsonl" "$wasmcap" run bench/twosum.js --runs "$RUNS"
    run_into "$out/twosum.jsonl" node bench/twosum_node.mjs --runs "$RUNS"
    run_into "$out/twosum.jsonl" "$out/twosum_c" --runs "$RUNS"
    run_into "$out/twosum.jsonl" "$py" bench/peers.py twosum --runs "$((RUNS / 2))"
fi

if wants coldstart; then
    step "cold start (hyperfine, $HF_WARMUP warm-up + $HF_RUNS runs each)"
    export DENO_DIR=$out/deno-dir NO_COLOR=1
    hf=(hyperfine --shell=none --warmup "$HF_WARMUP" --runs "$HF_RUNS" --style basic)
    "${hf[@]}" --export-json "$out/coldstart-hello.json" \
        -n "wasmcap" "$wasmcap run examples/hello.js" \
        -n "node" "node examples/hello.js" \
        -n "deno" "$deno run examples/hello.js" >&2
    "${hf[@]}" --export-json "$out/coldstart-aead.json" \
        -n "wasmcap (wasmcap:monocypher)" "$wasmcap run bench/aead_once.js" \
        -n "node (@noble/ciphers)" "node bench/aead_once_node.mjs" \
        -n "node (libsodium-wrappers)" "node bench/aead_once_node.mjs sodium" \
        -n "deno (@noble/ciphers)" "$deno run bench/aead_once_node.mjs" >&2
fi

if wants instantiate; then
    step "guest instantiation"
    : >"$out/instantiate.jsonl"
    run_into "$out/instantiate.jsonl" "$wasmcap" run bench/instantiate.js "${common[@]}"
    run_into "$out/instantiate.jsonl" node bench/instantiate_node.mjs "${common[@]}"
fi

if wants host; then
    step "extension host (wasmcap::host): call overhead, pool scaling, recycle cost"
    : >"$out/host.jsonl"
    run_into "$out/host.jsonl" "$root/target/release/examples/bench_host" --reps "$REPS"
fi

echo "{\"bench\":\"env\",\"key\":\"load_after\",\"value\":\"$(cut -d' ' -f1-3 /proc/loadavg)\"}" >>"$out/env.jsonl"

# --- report ---------------------------------------------------------------------------

step "report"
{
    echo "{\"bench\":\"env\",\"key\":\"cpu\",\"value\":\"$(lscpu | sed -n 's/^Model name: *//p' | head -n1), $(nproc) cores\"}"
    echo "{\"bench\":\"env\",\"key\":\"kernel\",\"value\":\"$(uname -sr)\"}"
    echo "{\"bench\":\"env\",\"key\":\"node\",\"value\":\"$(node --version)\"}"
    echo "{\"bench\":\"env\",\"key\":\"deno\",\"value\":\"$("$deno" --version | head -n1)\"}"
    echo "{\"bench\":\"env\",\"key\":\"python\",\"value\":\"$("$py" --version)\"}"
    echo "{\"bench\":\"env\",\"key\":\"gcc\",\"value\":\"$(gcc --version | head -n1)\"}"
    echo "{\"bench\":\"env\",\"key\":\"wasmcap\",\"value\":\"$commit\"}"
    echo "{\"bench\":\"env\",\"key\":\"date\",\"value\":\"$(date -u '+%Y-%m-%d %H:%M UTC')\"}"
    echo "{\"bench\":\"env\",\"key\":\"duration_s\",\"value\":\"$((SECONDS - started))\"}"
} >>"$out/env.jsonl"
data=$bench/data
rm -rf "$data" && mkdir -p "$data"
cp "$out"/*.jsonl "$out"/coldstart-*.json "$data"/ 2>/dev/null || true
"$py" "$bench/report.py" "$data" "$bench/RESULTS.md" "$bench/results.png"
step "done in $((SECONDS - started)) s: bench/RESULTS.md, bench/results.png"
