// LZF, the compression of long strings in RDB files and DUMP payloads: a
// port of Redis's lzf_c.c / lzf_d.c with its build settings (HLOG 16,
// VERY_FAST, no table initialisation), so that compressed bytes match what
// redis-server writes for the same string. The one difference: the hash
// table starts empty on every call, where Redis's is left uninitialised on
// its stack, and a stale entry that happens to point into the string adds a
// match. Redis's bytes for a string thus depend on what it compressed
// before: DUMPing 3000 repetitive strings of up to 1.5 KB one after another,
// about a third came out different, mostly one or two bytes shorter, some
// longer. Both decompress alike; no compressor starting from a known table
// can reproduce those bytes.
// (src/host/lzf.ts is the host's copy, for FUNCTION DUMP.)

import { memAlloc } from "../ds/mem";

const HLOG: u32 = 16;
const HSIZE: u32 = 1 << HLOG;
const MAX_LIT: u32 = 1 << 5;
const MAX_OFF: u32 = 1 << 13;
const MAX_REF: u32 = (1 << 8) + (1 << 3);

/** Positions + 1 of the last occurrence of each hashed 3-byte prefix (0 = none). */
let htab: usize = 0;

// @ts-ignore: decorator
@inline function slotOf(h: u32): usize {
  return <usize>(((h >> (3 * 8 - HLOG)) - h * 5) & (HSIZE - 1)) << 2;
}

/**
 * Compresses src[0, n) into dst, writing at most `outLen` bytes; returns the
 * compressed length, or 0 when it would not fit (lzf_compress returning 0).
 */
export function lzfCompress(src: usize, n: u32, dst: usize, outLen: u32): u32 {
  if (n == 0 || outLen == 0) return 0;
  if (htab == 0) htab = memAlloc(<usize>HSIZE << 2);
  memory.fill(htab, 0, <usize>HSIZE << 2);
  let ip: u32 = 0;
  let op: u32 = 1; // start run
  let lit: u32 = 0;
  let hval: u32 = (<u32>load<u8>(src) << 8) | (n > 1 ? <u32>load<u8>(src + 1) : 0);
  while (ip + 2 < n) {
    hval = (hval << 8) | <u32>load<u8>(src + ip + 2);
    const slot = htab + slotOf(hval);
    const ref = <i64>load<u32>(slot) - 1;
    store<u32>(slot, ip + 1);
    const off = <i64>ip - ref - 1;
    if (ref > 0 && off >= 0 && off < <i64>MAX_OFF && ip + 4 < n &&
        load<u8>(src + <usize>ref) == load<u8>(src + ip) &&
        load<u8>(src + <usize>ref + 1) == load<u8>(src + ip + 1) &&
        load<u8>(src + <usize>ref + 2) == load<u8>(src + ip + 2)) {
      const r = <u32>ref;
      let len: u32 = 2;
      let maxlen = n - ip - len;
      if (maxlen > MAX_REF) maxlen = MAX_REF;
      store<u8>(dst + op - lit - 1, <u8>(lit - 1)); // stop run
      if (lit == 0) op--; // undo run if length is zero
      if (op + 3 + 1 >= outLen) return 0;
      // lzf_c.c unrolls 16 comparisons without the maxlen test before its
      // loop: a run matching all 16 can end one byte past maxlen.
      let mismatch = false;
      if (maxlen > 16) {
        for (let k = 0; k < 16; k++) {
          len++;
          if (load<u8>(src + r + len) != load<u8>(src + ip + len)) { mismatch = true; break; }
        }
      }
      if (!mismatch) {
        do len++; while (len < maxlen && load<u8>(src + r + len) == load<u8>(src + ip + len));
      }
      len -= 2; // octets - 1
      ip++;
      const o = <u32>off;
      if (len < 7) {
        store<u8>(dst + op++, <u8>((o >> 8) + (len << 5)));
      } else {
        store<u8>(dst + op++, <u8>((o >> 8) + (7 << 5)));
        store<u8>(dst + op++, <u8>(len - 7));
      }
      store<u8>(dst + op++, <u8>o);
      lit = 0;
      op++; // start run
      ip += len + 1;
      if (ip + 2 >= n) break;
      // VERY_FAST: rehash the two positions before the new ip.
      ip -= 2;
      hval = (<u32>load<u8>(src + ip) << 8) | <u32>load<u8>(src + ip + 1);
      hval = (hval << 8) | <u32>load<u8>(src + ip + 2);
      store<u32>(htab + slotOf(hval), ip + 1);
      ip++;
      hval = (hval << 8) | <u32>load<u8>(src + ip + 2);
      store<u32>(htab + slotOf(hval), ip + 1);
      ip++;
    } else {
      if (op >= outLen) return 0;
      lit++;
      store<u8>(dst + op++, load<u8>(src + ip++));
      if (lit == MAX_LIT) {
        store<u8>(dst + op - lit - 1, <u8>(lit - 1));
        lit = 0;
        op++;
      }
    }
  }
  if (op + 3 > outLen) return 0;
  while (ip < n) {
    lit++;
    store<u8>(dst + op++, load<u8>(src + ip++));
    if (lit == MAX_LIT) {
      store<u8>(dst + op - lit - 1, <u8>(lit - 1));
      lit = 0;
      op++;
    }
  }
  store<u8>(dst + op - lit - 1, <u8>(lit - 1)); // end run
  if (lit == 0) op--;
  return op;
}

/** Decompresses src[0, n) into exactly `outLen` bytes at dst; false if corrupt or sized otherwise. */
export function lzfDecompress(src: usize, n: u32, dst: usize, outLen: u32): bool {
  let ip: u32 = 0;
  let op: u32 = 0;
  while (ip < n) {
    let ctrl = <u32>load<u8>(src + ip++);
    if (ctrl < (1 << 5)) {
      ctrl++;
      if (op + ctrl > outLen || ip + ctrl > n) return false;
      memory.copy(dst + op, src + ip, ctrl);
      op += ctrl;
      ip += ctrl;
    } else {
      let len = ctrl >> 5;
      if (len == 7) {
        if (ip >= n) return false;
        len += <u32>load<u8>(src + ip++);
      }
      if (ip >= n) return false;
      const back = ((ctrl & 0x1f) << 8) + 1 + <u32>load<u8>(src + ip++);
      len += 2;
      if (op + len > outLen || back > op) return false;
      // Overlapping copies repeat bytes: forwards, one at a time.
      const ref = op - back;
      for (let i: u32 = 0; i < len; i++) store<u8>(dst + op + i, load<u8>(dst + ref + i));
      op += len;
    }
  }
  return op == outLen;
}
