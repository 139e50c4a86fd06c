#!/usr/bin/env bash
# The long hardening campaign: the property-test fuzzer over every public JS API and op, and
# the soak of a million lock/unlock pairs with RSS sampled. (CI runs short versions of both
# through `cargo test`.)
#
#   tests/hardening/run.sh [FUZZ_SCRIPTS=1000] [SOAK_PAIRS=1000000]
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ -f ../shared/v8/env.sh ]; then
  # shellcheck disable=SC1091
  source ../shared/v8/env.sh
fi
scripts=${1:-1000}
pairs=${2:-1000000}

cargo build --release --quiet
echo "== fuzz: $scripts scripts of 40 calls each"
FUZZ_SCRIPTS=$scripts cargo test --release --quiet --test fuzz -- --nocapture 2>&1 | grep -E '^fuzz:|panicked|FAILED|test result'
echo "== fuzz: $scripts 'wasmcap test' command lines and golden settings"
FUZZ_SCRIPTS=$scripts cargo test --release --quiet --test hostile -- runner::fuzz --nocapture 2>&1 | grep -E '^fuzz:|panicked|FAILED|test result'
echo "== fuzz: $scripts scripts over every wasmcap:fs function on a tree of symlinks, FIFOs and dangling links"
FUZZ_SCRIPTS=$scripts cargo test --release --quiet --test hostile -- fs::fuzz --nocapture 2>&1 | grep -E '^fuzz:|panicked|FAILED|test result'
echo "== soak: $pairs lock/unlock pairs, peak resident memory checked"
out=$(./target/release/wasmcap run tests/hardening/soak.js "$pairs" 100)
echo "$out"
# The peak over 100 samples, not the last one: a leak a late collection hides still shows.
echo "$out" | tail -1 | python3 -c '
import json, sys
s = json.loads(sys.stdin.read())
peak, start = s["maxRss"] / 2**20, s["startRss"] / 2**20
growth = peak - start
print("soak: peak rss %.1f MB, %.1f MB above the start" % (peak, growth))
sys.exit(0 if growth < 8 else 1)
'
