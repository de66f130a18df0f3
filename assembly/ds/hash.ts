// Hashing and pseudo-randomness for the data structures.
//
// `hashBytes` is xxHash32 over raw bytes with a per-process seed supplied by
// the host (so clients cannot precompute colliding keys across restarts).
// `random*` is xorshift64*, seeded by the host: the engine has no hidden
// inputs, so tests can fix the seed.

const P1: u32 = 2654435761;
const P2: u32 = 2246822519;
const P3: u32 = 3266489917;
const P4: u32 = 668265263;
const P5: u32 = 374761393;

let hashSeed: u32 = 0;
let rngState: u64 = 0x9E3779B97F4A7C15;

export function setSeeds(hSeed: u32, rSeed: u64): void {
  hashSeed = hSeed;
  rngState = rSeed == 0 ? 0x9E3779B97F4A7C15 : rSeed;
}

// @ts-ignore: decorator
@inline function round(acc: u32, input: u32): u32 {
  return rotl<u32>(acc + input * P2, 13) * P1;
}

export function hashBytes(ptr: usize, len: usize): u32 {
  let h: u32;
  let p = ptr;
  const end = ptr + len;
  if (len >= 16) {
    let v1 = hashSeed + P1 + P2;
    let v2 = hashSeed + P2;
    let v3 = hashSeed;
    let v4 = hashSeed - P1;
    const limit = end - 16;
    do {
      v1 = round(v1, load<u32>(p));
      v2 = round(v2, load<u32>(p + 4));
      v3 = round(v3, load<u32>(p + 8));
      v4 = round(v4, load<u32>(p + 12));
      p += 16;
    } while (p <= limit);
    h = rotl<u32>(v1, 1) + rotl<u32>(v2, 7) + rotl<u32>(v3, 12) + rotl<u32>(v4, 18);
  } else {
    h = hashSeed + P5;
  }
  h += <u32>len;
  while (p + 4 <= end) {
    h = rotl<u32>(h + load<u32>(p) * P3, 17) * P4;
    p += 4;
  }
  while (p < end) {
    h = rotl<u32>(h + <u32>load<u8>(p) * P5, 11) * P1;
    p++;
  }
  h ^= h >> 15;
  h *= P2;
  h ^= h >> 13;
  h *= P3;
  h ^= h >> 16;
  return h;
}

export function randomU64(): u64 {
  let x = rngState;
  x ^= x >> 12;
  x ^= x << 25;
  x ^= x >> 27;
  rngState = x;
  return x * 0x2545F4914F6CDD1D;
}

/** Uniform in [0, n) for n > 0 (Lemire's multiply-shift, bias < 2^-32). */
export function randomBelow(n: u32): u32 {
  return <u32>(((randomU64() >> 32) * <u64>n) >> 32);
}
