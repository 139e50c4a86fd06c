#!/usr/bin/env bash
# Builds the Wasm guests embedded in wasmcap: guest/monocypher.wasm and
# guest/twosum.wasm. The blobs are committed so that building the host needs
# no C toolchain; this script is how they were made.
#
#   guest/build.sh           rebuild the blobs in place
#   guest/build.sh --check   rebuild into a temp dir, fail unless the
#                            committed blobs are bit-identical
#
# Needs Debian's clang-22 and lld-22 (installed here when missing and run as
# root) and pip, which fetches Monocypher 4.0.3 from a pinned PyPI sdist into
# a cache outside the repo; its sources are checked by sha256, never committed.
#
# Output is deterministic: no debug info, no paths, and --strip-all drops the
# name, producers (compiler version) and target_features sections.
#
# Flags: -O2. Measured in Node 20 (V8) on a 2-core x86-64 VM, best of many
# runs: crypto_aead_lock at 64 B / 1 MiB took 0.58 us / 2.6 ms with -O2,
# -O3, -msimd128 and -O3 -msimd128 alike (within 2%, under the noise), while
# -O3 is 57% bigger; twosum.c compiles to the same bytes under all four.
# -Os is 40% smaller but 10-40% slower. -flto is moot for one translation unit.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# pymonocypher's sdist ships Monocypher's amalgamation; the hashes are of the
# files in 4.0.3.4, whose first line reads "// Monocypher version 4.0.3".
MONOCYPHER_SDIST="pymonocypher==4.0.3.4"
MONOCYPHER_C_SHA256=57eb914fc88136119bd41655cccb8c250048bf54d470540625186f8ab16f64be
MONOCYPHER_H_SHA256=c494da712122da7ff679fdcf318a5317e84972b6c950fe9d896212947797facd
MONOCYPHER_DIR=${XDG_CACHE_HOME:-$HOME/.cache}/wasmcap/monocypher-4.0.3

CLANG=clang-22
WASM_LD=wasm-ld-22
CFLAGS=(--target=wasm32 -nostdlib -O2 -std=c11 -Wall -Wextra
        -Wl,--no-entry -Wl,--strip-all)
# The arena ABI every guest exports (wasm-ld exports memory by default); the
# host's Guest class relies on it.
ARENA_EXPORTS=(__heap_base bump_alloc bump_reset bump_high_water)

die() { echo "guest/build.sh: $*" >&2; exit 1; }

tmp_dirs=()
trap 'rm -rf "${tmp_dirs[@]}"' EXIT
new_tmp_dir() { tmp_dirs+=("$(mktemp -d)"); }

# apt_install PACKAGE...: only as root on Debian, e.g. a fresh CI machine.
apt_install() {
    [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null ||
        die "needs Debian packages $* (apt-get install $*)"
    echo "guest/build.sh: installing $*" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

ensure_tools() {
    command -v "$CLANG" >/dev/null && command -v "$WASM_LD" >/dev/null ||
        apt_install clang-22 lld-22
    python3 -m pip --version >/dev/null 2>&1 || apt_install python3-pip
}

sha256_ok() { [[ -f $1 ]] && [[ $(sha256sum "$1" | cut -d' ' -f1) == "$2" ]]; }

monocypher_ok() {
    sha256_ok "$MONOCYPHER_DIR/monocypher.c" "$MONOCYPHER_C_SHA256" &&
        sha256_ok "$MONOCYPHER_DIR/monocypher.h" "$MONOCYPHER_H_SHA256"
}

ensure_monocypher() {
    monocypher_ok && return
    new_tmp_dir
    local tmp=${tmp_dirs[-1]}
    echo "guest/build.sh: fetching $MONOCYPHER_SDIST" >&2
    python3 -m pip download --quiet --no-deps --no-binary :all: \
        "$MONOCYPHER_SDIST" -d "$tmp" >&2 || die "pip download $MONOCYPHER_SDIST failed"
    tar -xzf "$tmp"/pymonocypher-*.tar.gz -C "$tmp" --strip-components=1 \
        --wildcards '*/monocypher.c' '*/monocypher.h'
    mkdir -p "$MONOCYPHER_DIR"
    cp "$tmp/monocypher.c" "$tmp/monocypher.h" "$MONOCYPHER_DIR/"
    monocypher_ok || die "monocypher.c/.h in $MONOCYPHER_DIR do not match the pinned sha256"
}

# build OUTPUT SOURCE EXPORT... [-- EXTRA_CFLAGS...]
build() {
    local out=$1 src=$2; shift 2
    local exports=() extra=()
    while (($#)) && [[ $1 != -- ]]; do exports+=("-Wl,--export=$1"); shift; done
    (($#)) && shift && extra=("$@")
    "$CLANG" "${CFLAGS[@]}" "${extra[@]}" "${exports[@]}" -o "$out" "$src"
    chmod 644 "$out"  # data, not a program
}

build_all() {
    local outdir=$1
    build "$outdir/monocypher.wasm" "$here/monocypher_guest.c" \
        "${ARENA_EXPORTS[@]}" crypto_aead_lock crypto_aead_unlock -- -I "$MONOCYPHER_DIR"
    build "$outdir/twosum.wasm" "$here/twosum.c" "${ARENA_EXPORTS[@]}" twosum
}

check() {
    local status=0
    new_tmp_dir
    local check_dir=${tmp_dirs[-1]}
    build_all "$check_dir"
    for blob in monocypher.wasm twosum.wasm; do
        if ! cmp -s "$check_dir/$blob" "$here/$blob"; then
            echo "guest/build.sh --check: guest/$blob differs from a fresh build" \
                "($("$CLANG" --version | head -n1)); run guest/build.sh and commit it" >&2
            status=1
        fi
    done
    ((status == 0)) && echo "guest/build.sh --check: committed blobs match a fresh build"
    return "$status"
}

case ${1:-} in
"" | --check) ;;
*) die "usage: guest/build.sh [--check]" ;;
esac

ensure_tools
ensure_monocypher

if [[ ${1:-} == --check ]]; then
    check
else
    build_all "$here"
    ls -l "$here"/*.wasm
fi
