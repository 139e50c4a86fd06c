#!/usr/bin/env bash
# Builds the Wasm guests embedded in wasmcap, guest/monocypher.wasm and
# guest/twosum.wasm, and the example guest examples/guests/textkit.wasm. The
# blobs are committed so that building the host needs no C toolchain; this
# script is how they were made.
#
#   guest/build.sh           rebuild the blobs in place
#   guest/build.sh --check   rebuild into a temp dir, fail unless the
#                            committed blobs are bit-identical
#   guest/build.sh --monocypher-dir
#                            fetch (if not cached) and check Monocypher's
#                            source, print its directory (bench/run.sh
#                            compiles it natively from there)
#
# Needs Debian's clang-22 and lld-22 (installed here when missing and run as
# root) and pip, which fetches Monocypher 4.0.3 from a pinned PyPI sdist into
# a cache outside the repo; its sources are checked by sha256, never committed.
# cargo fetches Monocypher's optional Ed25519 file the same way (see ED25519_*).
#
# Output is deterministic: no debug info, no paths, and --strip-all drops the
# name, producers (compiler version) and target_features sections.
#
# Flags: -O2 everywhere, plus -msimd128 for monocypher_guest.c, whose ChaCha20
# is written with Wasm SIMD intrinsics (four blocks per pass). Measured with
# bench/run.sh and in Node 20 (V8) on a 2-core x86-64 VM, best of 5:
#  - Monocypher's own scalar code: crypto_aead_lock at 64 B / 1 MiB took
#    0.58 us / 2.6 ms with -O2, -O3, -msimd128 and -O3 -msimd128 alike (within
#    2%, under the noise: clang's auto-vectorizer finds nothing in ChaCha20's
#    one-block-at-a-time code), while -O3 is 57% bigger; -Os is 40% smaller but
#    10-40% slower. twosum.c compiles to the same bytes under all four.
#  - The SIMD ChaCha20: 1 MiB lock 2.70 -> 1.52 ms (389 -> 689 MB/s), 64 B
#    lock 1.04 -> 0.67 us with -O2; -O3 is slower here (2.0 ms, 0.64 us: its
#    unrolling spills more of the 16 state vectors) and 27% bigger. Fusing
#    lock's two passes (4 KiB chunks) took 1 MiB from 1.9-2.2 to 1.65-1.75 ms.
#  - -flto is moot for one translation unit.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# pymonocypher's sdist ships Monocypher's amalgamation; the hashes are of the
# files in 4.0.3.4, whose first line reads "// Monocypher version 4.0.3".
MONOCYPHER_SDIST="pymonocypher==4.0.3.4"
MONOCYPHER_C_SHA256=57eb914fc88136119bd41655cccb8c250048bf54d470540625186f8ab16f64be
MONOCYPHER_H_SHA256=c494da712122da7ff679fdcf318a5317e84972b6c950fe9d896212947797facd
MONOCYPHER_DIR=${XDG_CACHE_HOME:-$HOME/.cache}/wasmcap/monocypher-4.0.3

# Monocypher's optional Ed25519 (RFC 8032: SHA-512), monocypher-ed25519.c/.h,
# which that sdist does not ship: taken from the crates.io crate monocypher-sys
# 4.0.2 (Monocypher/src/optional/), fetched by cargo and checked by sha256,
# never committed. Only these two files come from 4.0.2;
# they compile against 4.0.3's monocypher.c/.h, whose constant-time fixes
# (4.0.3: a timing leak in EdDSA signing) they then use.
ED25519_CRATE=monocypher-sys
ED25519_CRATE_VERSION=4.0.2
ED25519_CRATE_SHA256=dc11b58afcc9e7b8dc05ae2a2050b5a7a368ba1155bc0f9b1ad81ccedf5f1c96
ED25519_C_SHA256=97d581639dfa72be08a6d57deb7d79b736be001cb416819cab196d22559d242b
ED25519_H_SHA256=3a3035181f991a158d0e1c7567258f0bae8ba0f1f23c5512b4a1db1b3c9730ce
ED25519_DIR=${XDG_CACHE_HOME:-$HOME/.cache}/wasmcap/monocypher-ed25519-4.0.2

CLANG=clang-22
WASM_LD=wasm-ld-22
CFLAGS=(--target=wasm32 -nostdlib -O2 -std=c11 -Wall -Wextra
        -Wl,--no-entry -Wl,--strip-all)
# The arena ABI every guest exports (wasm-ld exports memory by default); the
# host's Guest class relies on it.
ARENA_EXPORTS=(__heap_base bump_alloc bump_reset bump_high_water)
# Monocypher's own functions that wasmcap:monocypher calls besides the AEAD
# (crypto_aead_lock/unlock/write/read are monocypher_guest.c's SIMD versions,
# exported by export_name attributes, as are its other wrappers).
MONOCYPHER_EXPORTS=(
    crypto_blake2b_keyed crypto_blake2b_keyed_init crypto_blake2b_update crypto_blake2b_final
    crypto_x25519_public_key crypto_x25519
    crypto_ed25519_key_pair crypto_ed25519_sign
    crypto_verify16 crypto_verify32 crypto_verify64
    crypto_aead_init_x
)

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

ed25519_ok() {
    sha256_ok "$ED25519_DIR/monocypher-ed25519.c" "$ED25519_C_SHA256" &&
        sha256_ok "$ED25519_DIR/monocypher-ed25519.h" "$ED25519_H_SHA256"
}

ensure_ed25519() {
    ed25519_ok && return
    new_tmp_dir
    local tmp=${tmp_dirs[-1]} crate=$ED25519_CRATE-$ED25519_CRATE_VERSION.crate
    # cargo fetches the crate from the registry into its cache, as for any dependency
    # (a throwaway manifest that depends on it; nothing is built).
    echo "guest/build.sh: fetching $ED25519_CRATE $ED25519_CRATE_VERSION with cargo" >&2
    mkdir -p "$tmp/fetch/src"
    : >"$tmp/fetch/src/lib.rs"
    printf '[package]\nname = "fetch"\nversion = "0.0.0"\nedition = "2021"\n[dependencies]\n%s = "=%s"\n' \
        "$ED25519_CRATE" "$ED25519_CRATE_VERSION" >"$tmp/fetch/Cargo.toml"
    cargo fetch --quiet --manifest-path "$tmp/fetch/Cargo.toml" ||
        die "cargo cannot fetch $ED25519_CRATE $ED25519_CRATE_VERSION"
    cp "${CARGO_HOME:-$HOME/.cargo}"/registry/cache/*/"$crate" "$tmp/" ||
        die "$crate is not in cargo's cache after cargo fetch"
    sha256_ok "$tmp/$crate" "$ED25519_CRATE_SHA256" || die "$crate does not match the pinned sha256"
    tar -xzf "$tmp/$crate" -C "$tmp" --strip-components=4 \
        monocypher-sys-4.0.2/Monocypher/src/optional/monocypher-ed25519.c \
        monocypher-sys-4.0.2/Monocypher/src/optional/monocypher-ed25519.h
    mkdir -p "$ED25519_DIR"
    cp "$tmp/monocypher-ed25519.c" "$tmp/monocypher-ed25519.h" "$ED25519_DIR/"
    ed25519_ok || die "monocypher-ed25519.c/.h in $ED25519_DIR do not match the pinned sha256"
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

# Every committed blob, relative to the repository root: ours plus the example guest
# (examples/guests/textkit.wasm, whose build line is in its C source).
BLOBS=(guest/monocypher.wasm guest/twosum.wasm examples/guests/textkit.wasm)
repo=$(cd "$here/.." && pwd)

# build_all ROOT: writes every blob in BLOBS under ROOT.
build_all() {
    local root=$1
    mkdir -p "$root/guest" "$root/examples/guests"
    # crypto_aead_lock/unlock are exported by export_name attributes in the C.
    build "$root/guest/monocypher.wasm" "$here/monocypher_guest.c" \
        "${ARENA_EXPORTS[@]}" "${MONOCYPHER_EXPORTS[@]}" -- -msimd128 -I "$MONOCYPHER_DIR" -I "$ED25519_DIR"
    build "$root/guest/twosum.wasm" "$here/twosum.c" "${ARENA_EXPORTS[@]}" twosum
    # textkit marks its exports in the C; only __heap_base needs a flag.
    build "$root/examples/guests/textkit.wasm" "$repo/examples/guests/textkit.c" __heap_base
}

check() {
    local status=0
    new_tmp_dir
    local check_dir=${tmp_dirs[-1]}
    build_all "$check_dir"
    for blob in "${BLOBS[@]}"; do
        if ! cmp -s "$check_dir/$blob" "$repo/$blob"; then
            echo "guest/build.sh --check: $blob differs from a fresh build" \
                "($("$CLANG" --version | head -n1)); run guest/build.sh and commit it" >&2
            status=1
        fi
    done
    ((status == 0)) && echo "guest/build.sh --check: committed blobs match a fresh build"
    return "$status"
}

case ${1:-} in
"" | --check) ;;
--monocypher-dir)
    python3 -m pip --version >/dev/null 2>&1 || apt_install python3-pip
    ensure_monocypher
    echo "$MONOCYPHER_DIR"
    exit 0
    ;;
*) die "usage: guest/build.sh [--check | --monocypher-dir]" ;;
esac

ensure_tools
ensure_monocypher
ensure_ed25519

if [[ ${1:-} == --check ]]; then
    check
else
    build_all "$repo"
    (cd "$repo" && ls -l "${BLOBS[@]}")
fi
