// LZF, the compression Redis uses for long strings in RDB payloads
// (FUNCTION DUMP today; DUMP/RESTORE and RDB files later). The compressor
// follows Redis's lzf_c.c with its build settings (HLOG 16, VERY_FAST, no
// table initialisation) so that the output is byte-identical; the one
// difference is that the hash table starts empty on every call, where
// Redis's is left uninitialised on its stack: a stale pointer into the
// string adds a match now and then (assembly/util/lzf.ts says when).

const HLOG = 16;
const HSIZE = 1 << HLOG;
const MAX_LIT = 1 << 5;
const MAX_OFF = 1 << 13;
const MAX_REF = (1 << 8) + (1 << 3);

// Positions + 1 of the last occurrence of each hashed 3-byte prefix (0 = none).
const htab = new Int32Array(HSIZE);

function idx(h: number): number {
  return ((h >>> (3 * 8 - HLOG)) - h * 5) & (HSIZE - 1);
}

/**
 * Compresses `input` into at most `outLen` bytes; returns the compressed
 * bytes, or null when they would not fit (lzf_compress returning 0).
 */
export function lzfCompress(input: Uint8Array, outLen: number): Buffer | null {
  const inLen = input.length;
  if (inLen === 0 || outLen === 0) return null;
  htab.fill(0);
  const out = Buffer.allocUnsafe(outLen);
  let ip = 0;
  let op = 0;
  let lit = 0;
  op++; // start run
  // FRST/NEXT keep a rolling 24-bit window of the next three bytes.
  let hval = (input[0] << 8) | (inLen > 1 ? input[1] : 0);
  while (ip < inLen - 2) {
    hval = ((hval << 8) | input[ip + 2]) >>> 0;
    const slot = idx(hval);
    const ref = htab[slot] - 1;
    htab[slot] = ip + 1;
    const off = ip - ref - 1;
    // Redis: `ref > in_data`, so position 0 is never a match source.
    if (ref > 0 && off >= 0 && off < MAX_OFF && ip + 4 < inLen &&
      input[ref] === input[ip] && input[ref + 1] === input[ip + 1] && input[ref + 2] === input[ip + 2]) {
      let len = 2;
      let maxlen = inLen - ip - len;
      if (maxlen > MAX_REF) maxlen = MAX_REF;
      out[op - lit - 1] = lit - 1; // stop run
      op -= lit === 0 ? 1 : 0; // undo run if length is zero
      if (op + 3 + 1 >= outLen) return null;
      // lzf_c.c unrolls 16 comparisons without the maxlen test before its
      // do-while; a run that matches all 16 can end one byte past maxlen,
      // and the output must match that.
      let mismatch = false;
      if (maxlen > 16) {
        for (let k = 0; k < 16; k++) {
          len++;
          if (input[ref + len] !== input[ip + len]) { mismatch = true; break; }
        }
      }
      if (!mismatch) {
        do len++; while (len < maxlen && input[ref + len] === input[ip + len]);
      }
      len -= 2; // len is now #octets - 1
      ip++;
      if (len < 7) {
        out[op++] = ((off >> 8) + (len << 5)) & 0xff;
      } else {
        out[op++] = ((off >> 8) + (7 << 5)) & 0xff;
        out[op++] = (len - 7) & 0xff;
      }
      out[op++] = off & 0xff;
      lit = 0;
      op++; // start run
      ip += len + 1;
      if (ip >= inLen - 2) break;
      // VERY_FAST: rehash the two positions before the new ip.
      ip -= 2;
      hval = (input[ip] << 8) | input[ip + 1];
      hval = ((hval << 8) | input[ip + 2]) >>> 0;
      htab[idx(hval)] = ip + 1;
      ip++;
      hval = ((hval << 8) | input[ip + 2]) >>> 0;
      htab[idx(hval)] = ip + 1;
      ip++;
    } else {
      if (op >= outLen) return null;
      lit++;
      out[op++] = input[ip++];
      if (lit === MAX_LIT) {
        out[op - lit - 1] = lit - 1;
        lit = 0;
        op++;
      }
    }
  }
  if (op + 3 > outLen) return null;
  while (ip < inLen) {
    lit++;
    out[op++] = input[ip++];
    if (lit === MAX_LIT) {
      out[op - lit - 1] = lit - 1;
      lit = 0;
      op++;
    }
  }
  out[op - lit - 1] = lit - 1; // end run
  op -= lit === 0 ? 1 : 0;
  return out.subarray(0, op);
}

/** Decompresses into exactly `outLen` bytes; null if the data is corrupt or sized otherwise. */
export function lzfDecompress(input: Uint8Array, outLen: number): Buffer | null {
  const out = Buffer.allocUnsafe(outLen);
  let ip = 0;
  let op = 0;
  while (ip < input.length) {
    let ctrl = input[ip++];
    if (ctrl < 1 << 5) {
      ctrl++;
      if (op + ctrl > outLen || ip + ctrl > input.length) return null;
      for (let i = 0; i < ctrl; i++) out[op++] = input[ip++];
    } else {
      let len = ctrl >> 5;
      if (len === 7) {
        if (ip >= input.length) return null;
        len += input[ip++];
      }
      if (ip >= input.length) return null;
      const ref = op - ((ctrl & 0x1f) << 8) - 1 - input[ip++];
      len += 2;
      if (op + len > outLen || ref < 0) return null;
      for (let i = 0; i < len; i++) out[op++] = out[ref + i];
    }
  }
  return op === outLen ? out : null;
}
