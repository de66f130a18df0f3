// CRC-64 as Redis computes it for RDB files and DUMP payloads (crc64.c):
// the Jones polynomial, reflected, initial value 0, no final xor.
// (src/host/rdbpayload.ts is the host's copy, for FUNCTION DUMP.)

import { memAlloc } from "../ds/mem";

let table: usize = 0;

function makeTable(): void {
  table = memAlloc(256 * 8);
  const poly: u64 = 0x95ac9329ac4bc9b5; // 0xad93d23594c935a9 reflected
  for (let i: u64 = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = (c & 1) != 0 ? (c >> 1) ^ poly : c >> 1;
    store<u64>(table + (<usize>i << 3), c);
  }
}

/** Continues `crc` over p[0, n). */
export function crc64(crc: u64, p: usize, n: usize): u64 {
  if (table == 0) makeTable();
  const t = table;
  for (let i: usize = 0; i < n; i++) {
    crc = load<u64>(t + (<usize>((crc ^ <u64>load<u8>(p + i)) & 0xff) << 3)) ^ (crc >> 8);
  }
  return crc;
}
