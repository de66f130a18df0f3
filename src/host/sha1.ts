// SHA-1 as lowercase hex: the script cache's keys (EVAL, SCRIPT LOAD) and
// redis.sha1hex. Node's native hash where there is one; elsewhere (the
// browser build) FIPS 180-4 in plain JavaScript, since Web Crypto's digest
// is asynchronous and these callers are not.
import { nodeProcess } from './platform.js';
import type * as Crypto from 'node:crypto';

const nodeCrypto = (nodeProcess?.getBuiltinModule?.('node:crypto') as typeof Crypto | undefined) ?? null;

export function sha1Hex(data: Uint8Array): string {
  if (nodeCrypto) return nodeCrypto.createHash('sha1').update(data).digest('hex');
  return sha1HexJs(data);
}

const rotl = (x: number, n: number): number => (x << n) | (x >>> (32 - n));

/** The portable form, exported so tests can check it against Node's. */
export function sha1HexJs(data: Uint8Array): string {
  const bitLen = data.length * 8;
  // The message, a 0x80 byte, zeros to 56 mod 64, then the 64-bit length.
  const padded = new Uint8Array((((data.length + 8) >> 6) + 1) << 6);
  padded.set(data);
  padded[data.length] = 0x80;
  const dv = new DataView(padded.buffer);
  dv.setUint32(padded.length - 8, Math.floor(bitLen / 2 ** 32));
  dv.setUint32(padded.length - 4, bitLen >>> 0);
  let h0 = 0x67452301, h1 = 0xefcdab89, h2 = 0x98badcfe, h3 = 0x10325476, h4 = 0xc3d2e1f0;
  const w = new Int32Array(80);
  for (let off = 0; off < padded.length; off += 64) {
    for (let i = 0; i < 16; i++) w[i] = dv.getInt32(off + i * 4);
    for (let i = 16; i < 80; i++) w[i] = rotl(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
    let a = h0, b = h1, c = h2, d = h3, e = h4;
    for (let i = 0; i < 80; i++) {
      let f: number, k: number;
      if (i < 20) { f = (b & c) | (~b & d); k = 0x5a827999; }
      else if (i < 40) { f = b ^ c ^ d; k = 0x6ed9eba1; }
      else if (i < 60) { f = (b & c) | (b & d) | (c & d); k = 0x8f1bbcdc; }
      else { f = b ^ c ^ d; k = 0xca62c1d6; }
      const t = (rotl(a, 5) + f + e + k + w[i]) | 0;
      e = d; d = c; c = rotl(b, 30); b = a; a = t;
    }
    h0 = (h0 + a) | 0; h1 = (h1 + b) | 0; h2 = (h2 + c) | 0; h3 = (h3 + d) | 0; h4 = (h4 + e) | 0;
  }
  let hex = '';
  for (const h of [h0, h1, h2, h3, h4]) hex += (h >>> 0).toString(16).padStart(8, '0');
  return hex;
}
