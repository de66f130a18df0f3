// The JavaScript SHA-1 the browser build uses for script SHAs and
// redis.sha1hex, against Node's native one: every length across the
// padding boundaries (55/56/64 bytes and their multiples) and random bytes.
import { describe, it, expect } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { sha1HexJs, sha1Hex } from '../../src/host/sha1.js';

const native = (b: Uint8Array) => createHash('sha1').update(b).digest('hex');

describe('sha1HexJs', () => {
  it('matches the FIPS 180-4 examples', () => {
    expect(sha1HexJs(new Uint8Array(0))).toBe('da39a3ee5e6b4b0d3255bfef95601890afd80709');
    expect(sha1HexJs(Buffer.from('abc'))).toBe('a9993e364706816aba3e25717850c26c9cd0d89d');
    expect(sha1HexJs(Buffer.from('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')))
      .toBe('84983e441c3bd26ebaae4aa1f95129e5e54670f1');
  });

  it('matches Node for every length up to 300 bytes and a few large inputs', () => {
    for (let n = 0; n <= 300; n++) {
      const b = randomBytes(n);
      expect(sha1HexJs(b), `length ${n}`).toBe(native(b));
    }
    for (const n of [4095, 4096, 65537, 1 << 20]) {
      const b = randomBytes(n);
      expect(sha1HexJs(b), `length ${n}`).toBe(native(b));
    }
    const b = randomBytes(77);
    expect(sha1Hex(b)).toBe(native(b));
  });
});
