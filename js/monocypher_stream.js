// Streaming AEAD in wasmcap:monocypher, for inputs larger than memory: encryptStream and
// decryptStream. Each chunk is one call in a fresh arena of the guest, reset (wiped) however
// it ends; the stream's state lives in a JS buffer between chunks and is wiped when the
// stream is finished or fails.
import { primordials } from "ext:core/mod.js";
import { fillRandom } from "ext:wasmcap_runtime/prelude.js";
import { copyOf, viewOf } from "ext:wasmcap_runtime/util.js";
import { AuthenticationError } from "ext:wasmcap_runtime/monocypher_aead.js";
import {
  MAC_SIZE,
  byteLength,
  bytesOrString,
  checkBytes,
  exported,
  finished,
  newState,
  stepState,
} from "ext:wasmcap_runtime/monocypher_checks.js";

const { MathFloor, StringPrototypeCharCodeAt, TypedArrayPrototypeFill, TypedArrayPrototypeSet, Uint8Array } = primordials;

// STREAM FORMAT (version 1). encryptStream(key, ad) writes:
//   header: 32 bytes = "wasmcap" (7 ASCII bytes) | 0x01 (version) | 24-byte random nonce
//   then chunks, each = mac (16 bytes) | ciphertext (as long as its plaintext)
// Every chunk but the last holds exactly STREAM_CHUNK_SIZE (64 KiB) of plaintext; the
// last holds 0 to 64 KiB - 1 bytes (an empty last chunk when the input is a multiple
// of 64 KiB), so sealed chunks are 65552 bytes but the last, which is 16..65551, and
// a reader can split the stream without length fields. Chunks are sealed with
// Monocypher's incremental AEAD: crypto_aead_init_x(key, nonce), then one
// crypto_aead_write per chunk (XChaCha20-Poly1305 whose key is ratcheted after every
// chunk, so each chunk can only be opened at its own position), whose associated data
// is one byte, 0x00 for a chunk that more chunks follow and 0x01 for the last one,
// followed by the stream's ad (empty when none is given, so streams without ad are
// the same bytes as before ad existed). Hence a flipped bit, a reordered, dropped or
// repeated chunk, a chunk from another stream or key, a whole stream sealed with
// another ad, a cut in a chunk and a stream cut after a whole chunk (no last chunk)
// all fail authentication. The ad is authenticated once per chunk: keep it short
// (hash a large context first).
export const STREAM_CHUNK_SIZE = 65536;
export const STREAM_HEADER_SIZE = 32;
const SEALED_CHUNK_SIZE = MAC_SIZE + STREAM_CHUNK_SIZE;
const STREAM_MAGIC = "wasmcap\x01";
const CHUNK_MORE = 0;
const CHUNK_LAST = 1;

export function encryptStream(guest, key, ad) {
  return new EncryptStream(guest, key, ad);
}

export function decryptStream(guest, key, header, ad) {
  return new DecryptStream(guest, key, header, ad);
}

// What both directions keep between chunks: the crypto_aead_ctx (null once finished or
// failed), the partial chunk, and the associated data of the chunks. Private fields only:
// a setter a script put on Object.prototype must never see the state.
class StreamState {
  #guest;
  #ctx;
  #chunker;
  #adMore;
  #adLast;
  #chunkFn; // crypto_aead_write or crypto_aead_read

  constructor(guest, key, nonce, ad, chunkSize, chunkFnName) {
    const initFn = exported(guest, "crypto_aead_init_x");
    this.#chunkFn = exported(guest, chunkFnName);
    const ctxSize = exported(guest, "wasmcap_aead_ctx_size")() >>> 0;
    this.#guest = guest;
    this.#adMore = chunkAd(CHUNK_MORE, ad);
    this.#adLast = chunkAd(CHUNK_LAST, ad);
    this.#chunker = new Chunker(chunkSize);
    this.#ctx = newState(guest, ctxSize, (ctx, g) => initFn(ctx, g.copyIn(key), g.copyIn(nonce)));
  }

  // Throws unless the stream can take more.
  checkOpen() {
    if (this.#ctx === null) throw finished("stream");
  }

  // bytes, or a copy if it is a view of the guest's memory (see Guest.stable).
  stable(bytes) {
    return this.#guest.stable(bytes);
  }

  // Feeds bytes to the partial chunk; each whole chunk is processed by each(chunk, out,
  // offset) into one new Uint8Array of outSize bytes a chunk, returned. A failure wipes that
  // array and finishes the stream.
  feed(bytes, outSize, each) {
    const out = new Uint8Array(this.#chunker.wholeChunks(bytes) * outSize);
    try {
      this.#chunker.feed(bytes, (chunk, c) => each(chunk, out, c * outSize));
      return out;
    } catch (e) {
      TypedArrayPrototypeFill(out, 0);
      this.finish();
      throw e;
    }
  }

  // last(rest) processes the partial chunk, as the last one; the stream is finished however
  // it ends.
  final(last) {
    this.checkOpen();
    try {
      return last(this.#chunker.rest);
    } finally {
      this.finish();
    }
  }

  // The associated data of a chunk: the last one's, or that of one more follow.
  ad(last) {
    return last ? this.#adLast : this.#adMore;
  }

  // Runs step(g, ctx, chunkFn) on the state in a fresh arena; the state is updated only if
  // step returns.
  step(step) {
    this.#guest.withArena((g) => stepState(g, this.#ctx, (ctx) => step(g, ctx, this.#chunkFn)));
  }

  // Wipes the state and the partial chunk: the stream cannot be used again.
  finish() {
    if (this.#ctx !== null) TypedArrayPrototypeFill(this.#ctx, 0);
    this.#ctx = null;
    this.#chunker.wipe();
  }
}

// The associated data of a stream's chunks: the flag byte, then the stream's ad (a copy:
// the caller may change or wipe theirs).
function chunkAd(flag, ad) {
  const out = new Uint8Array(1 + byteLength(ad));
  out[0] = flag;
  TypedArrayPrototypeSet(out, ad, 1);
  return out;
}

// Cuts a byte stream into whole chunks of one size, keeping the partial chunk between
// calls: what EncryptStream (plaintext chunks) and DecryptStream (sealed chunks) share.
class Chunker {
  #pending;
  #length = 0;

  constructor(size) {
    this.#pending = new Uint8Array(size);
  }

  // How many whole chunks feeding `bytes` completes.
  wholeChunks(bytes) {
    return MathFloor((this.#length + byteLength(bytes)) / byteLength(this.#pending));
  }

  // Calls each(chunk, index) for every whole chunk of what is pending plus `bytes`, and
  // keeps the rest for the next call.
  feed(bytes, each) {
    const pending = this.#pending;
    const size = byteLength(pending);
    const total = byteLength(bytes);
    const chunks = this.wholeChunks(bytes);
    let at = 0;
    for (let c = 0; c < chunks; c++) {
      let chunk;
      if (this.#length > 0) {
        const take = size - this.#length;
        TypedArrayPrototypeSet(pending, viewOf(bytes, at, at + take), this.#length);
        at += take;
        chunk = pending;
      } else {
        chunk = viewOf(bytes, at, at + size);
        at += size;
      }
      this.#length = 0;
      each(chunk, c);
    }
    TypedArrayPrototypeSet(pending, viewOf(bytes, at, total), this.#length);
    this.#length += total - at;
  }

  // The partial chunk (a view: copy it before feeding more).
  get rest() {
    return viewOf(this.#pending, 0, this.#length);
  }

  wipe() {
    TypedArrayPrototypeFill(this.#pending, 0);
    this.#length = 0;
  }
}

class EncryptStream {
  #state;
  #header;

  constructor(guest, key, ad) {
    this.#header = new Uint8Array(STREAM_HEADER_SIZE);
    for (let i = 0; i < STREAM_MAGIC.length; i++) this.#header[i] = StringPrototypeCharCodeAt(STREAM_MAGIC, i);
    const nonce = viewOf(this.#header, STREAM_MAGIC.length, STREAM_HEADER_SIZE);
    fillRandom(nonce);
    this.#state = new StreamState(guest, key, nonce, ad, STREAM_CHUNK_SIZE, "crypto_aead_write");
  }

  // The 32-byte header (magic, version and nonce), to send or store before the chunks.
  get header() {
    return copyOf(this.#header, 0, STREAM_HEADER_SIZE);
  }

  // Takes plaintext (Uint8Array or string) of any length; returns the sealed chunks
  // it completed (possibly none: an empty Uint8Array), 65552 bytes each.
  update(plaintext) {
    const state = this.#state;
    state.checkOpen();
    const bytes = state.stable(bytesOrString(plaintext, "plaintext"));
    return state.feed(bytes, SEALED_CHUNK_SIZE, (text, out, offset) => seal(state, text, false, out, offset));
  }

  // Seals what is left as the last chunk (16 to 65551 bytes) and wipes the stream's
  // state: it cannot be used again.
  final() {
    const state = this.#state;
    return state.final((rest) => {
      const out = new Uint8Array(MAC_SIZE + byteLength(rest));
      seal(state, rest, true, out, 0);
      return out;
    });
  }
}

// Seals one chunk of plaintext into out at offset: mac | ciphertext.
function seal(state, text, last, out, offset) {
  const ad = state.ad(last);
  const len = byteLength(text);
  state.step((g, ctx, writeFn) => {
    const adPtr = g.copyIn(ad);
    const mac = g.alloc(MAC_SIZE);
    const textPtr = g.copyIn(text);
    writeFn(ctx, textPtr, mac, adPtr, byteLength(ad), textPtr, len); // in place
    TypedArrayPrototypeSet(out, g.view(mac, MAC_SIZE), offset);
    TypedArrayPrototypeSet(out, g.view(textPtr, len), offset + MAC_SIZE);
  });
}

class DecryptStream {
  #state;
  #chunk = 0; // index of the next chunk, for error messages

  constructor(guest, key, header, ad) {
    for (let i = 0; i < STREAM_MAGIC.length; i++) {
      if (header[i] !== StringPrototypeCharCodeAt(STREAM_MAGIC, i)) {
        throw new AuthenticationError("stream header is not a wasmcap stream (version 1) header: it is corrupt, or not a header");
      }
    }
    const nonce = copyOf(header, STREAM_MAGIC.length, STREAM_HEADER_SIZE);
    this.#state = new StreamState(guest, key, nonce, ad, SEALED_CHUNK_SIZE, "crypto_aead_read");
  }

  // Takes sealed bytes of any length; returns the plaintext of the chunks it completed
  // (possibly none), 64 KiB each. Throws AuthenticationError if one was tampered with;
  // the stream is then unusable.
  update(sealed) {
    const state = this.#state;
    state.checkOpen();
    checkBytes(sealed, "sealed");
    return state.feed(state.stable(sealed), STREAM_CHUNK_SIZE, (box, out, offset) => this.#open(box, false, out, offset));
  }

  // Opens the last chunk and returns its plaintext; throws AuthenticationError if the
  // stream was truncated or its end tampered with. The stream cannot be used again.
  final() {
    return this.#state.final((rest) => {
      if (byteLength(rest) < MAC_SIZE) {
        throw new AuthenticationError("stream truncated: it ends without its last chunk");
      }
      const out = new Uint8Array(byteLength(rest) - MAC_SIZE);
      this.#open(rest, true, out, 0);
      return out;
    });
  }

  // Opens one sealed chunk (mac | ciphertext) into out at offset, or throws.
  #open(box, last, out, offset) {
    const ad = this.#state.ad(last);
    const len = byteLength(box) - MAC_SIZE;
    const index = this.#chunk++;
    this.#state.step((g, ctx, readFn) => {
      const adPtr = g.copyIn(ad);
      const boxPtr = g.copyIn(box);
      const textPtr = boxPtr + MAC_SIZE;
      if (readFn(ctx, textPtr, boxPtr, adPtr, byteLength(ad), textPtr, len) !== 0) { // in place
        throw new AuthenticationError(`stream chunk ${index} failed authentication: the stream was tampered with, reordered or cut, or the key or ad is wrong`);
      }
      TypedArrayPrototypeSet(out, g.view(textPtr, len), offset);
    });
  }
}
