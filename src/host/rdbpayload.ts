// Pieces of Redis's RDB serialization that payload commands need before
// the persistence layer exists: CRC-64 (Jones polynomial, Redis's crc64.c),
// length encoding (rdbSaveLen/rdbLoadLen) and string encoding
// (rdbSaveRawString / rdbGenericLoadStringObject: integer, LZF and plain
// forms), and the DUMP payload footer (RDB version + CRC-64).
import { lzfCompress, lzfDecompress } from './lzf.js';

/** The RDB format version Redis 7.0 writes. */
export const RDB_VERSION = 10;

// ---- CRC-64 ---------------------------------------------------------------------
// Reflected Jones polynomial, initial value 0, no final xor: crc64(0, p, n).

const CRC_TABLE = (() => {
  const poly = 0x95ac9329ac4bc9b5n; // 0xad93d23594c935a9 reflected
  const t = new BigUint64Array(256);
  for (let i = 0n; i < 256n; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1n ? (c >> 1n) ^ poly : c >> 1n;
    t[Number(i)] = c;
  }
  return t;
})();
// The table split into 32-bit halves: the loop below runs on numbers.
const CRC_LO = Uint32Array.from(CRC_TABLE, (v) => Number(v & 0xffffffffn));
const CRC_HI = Uint32Array.from(CRC_TABLE, (v) => Number(v >> 32n));

export function crc64(data: Uint8Array, start = 0, end = data.length): Buffer {
  let lo = 0;
  let hi = 0;
  for (let i = start; i < end; i++) {
    const j = (lo ^ data[i]) & 0xff;
    // crc = table[j] ^ (crc >> 8)
    const nlo = ((lo >>> 8) | ((hi & 0xff) << 24)) >>> 0;
    const nhi = hi >>> 8;
    lo = (CRC_LO[j] ^ nlo) >>> 0;
    hi = (CRC_HI[j] ^ nhi) >>> 0;
  }
  const out = Buffer.allocUnsafe(8);
  out.writeUInt32LE(lo, 0);
  out.writeUInt32LE(hi, 4);
  return out;
}

// ---- lengths and strings -------------------------------------------------------

const RDB_ENCVAL = 3;
const RDB_ENC_INT8 = 0;
const RDB_ENC_INT16 = 1;
const RDB_ENC_INT32 = 2;
const RDB_ENC_LZF = 3;

export function rdbLen(n: number): Buffer {
  if (n < 1 << 6) return Buffer.from([n]);
  if (n < 1 << 14) return Buffer.from([0x40 | (n >> 8), n & 0xff]);
  if (n <= 0xffffffff) {
    const b = Buffer.allocUnsafe(5);
    b[0] = 0x80;
    b.writeUInt32BE(n, 1);
    return b;
  }
  const b = Buffer.allocUnsafe(9);
  b[0] = 0x81;
  b.writeBigUInt64BE(BigInt(n), 1);
  return b;
}

/** rdbTryIntegerEncoding: a canonical decimal that fits 32 bits takes 2, 3 or 5 bytes. */
function intEncoding(s: Uint8Array): Buffer | null {
  const text = Buffer.from(s).toString('latin1');
  if (!/^(0|-?[1-9][0-9]*)$/.test(text)) return null;
  const v = Number(text);
  if (v >= -128 && v <= 127) return Buffer.from([(RDB_ENCVAL << 6) | RDB_ENC_INT8, v & 0xff]);
  if (v >= -32768 && v <= 32767) {
    const b = Buffer.allocUnsafe(3);
    b[0] = (RDB_ENCVAL << 6) | RDB_ENC_INT16;
    b.writeInt16LE(v, 1);
    return b;
  }
  if (v >= -2147483648 && v <= 2147483647) {
    const b = Buffer.allocUnsafe(5);
    b[0] = (RDB_ENCVAL << 6) | RDB_ENC_INT32;
    b.writeInt32LE(v, 1);
    return b;
  }
  return null;
}

/** rdbSaveRawString: integer form for short numbers, LZF when `compress` and it saves 4+ bytes, else plain. */
export function rdbString(s: Uint8Array, compress: boolean): Buffer {
  if (s.length <= 11) {
    const enc = intEncoding(s);
    if (enc) return enc;
  }
  if (compress && s.length > 20) {
    const packed = lzfCompress(s, s.length - 4);
    if (packed) {
      return Buffer.concat([Buffer.from([(RDB_ENCVAL << 6) | RDB_ENC_LZF]), rdbLen(packed.length), rdbLen(s.length), packed]);
    }
  }
  return Buffer.concat([rdbLen(s.length), s]);
}

/** A reader over an RDB byte string; every read returns null past the end or on bad data. */
export class RdbReader {
  pos = 0;
  constructor(readonly buf: Buffer, readonly end = buf.length) {}

  get left(): number { return this.end - this.pos; }

  byte(): number | null {
    return this.pos < this.end ? this.buf[this.pos++] : null;
  }

  /** rdbLoadLen: the length, or an encoding tag as { enc } for special strings. */
  private lenOrEnc(): { len: number } | { enc: number } | null {
    const b = this.byte();
    if (b === null) return null;
    const type = b >> 6;
    if (type === RDB_ENCVAL) return { enc: b & 0x3f };
    if (type === 0) return { len: b & 0x3f };
    if (type === 1) {
      const b2 = this.byte();
      return b2 === null ? null : { len: ((b & 0x3f) << 8) | b2 };
    }
    if (b === 0x80) {
      if (this.left < 4) return null;
      const v = this.buf.readUInt32BE(this.pos);
      this.pos += 4;
      return { len: v };
    }
    if (b === 0x81) {
      if (this.left < 8) return null;
      const v = this.buf.readBigUInt64BE(this.pos);
      this.pos += 8;
      return v > BigInt(Number.MAX_SAFE_INTEGER) ? null : { len: Number(v) };
    }
    return null;
  }

  len(): number | null {
    const r = this.lenOrEnc();
    return r && 'len' in r ? r.len : null;
  }

  /** rdbGenericLoadStringObject. */
  string(): Buffer | null {
    const r = this.lenOrEnc();
    if (!r) return null;
    if ('len' in r) {
      if (this.left < r.len) return null;
      const s = this.buf.subarray(this.pos, this.pos + r.len);
      this.pos += r.len;
      return Buffer.from(s);
    }
    switch (r.enc) {
      case RDB_ENC_INT8: {
        if (this.left < 1) return null;
        return Buffer.from(String(this.buf.readInt8(this.pos++)));
      }
      case RDB_ENC_INT16: {
        if (this.left < 2) return null;
        const v = this.buf.readInt16LE(this.pos);
        this.pos += 2;
        return Buffer.from(String(v));
      }
      case RDB_ENC_INT32: {
        if (this.left < 4) return null;
        const v = this.buf.readInt32LE(this.pos);
        this.pos += 4;
        return Buffer.from(String(v));
      }
      case RDB_ENC_LZF: {
        const clen = this.len();
        const len = this.len();
        if (clen === null || len === null || this.left < clen) return null;
        const packed = this.buf.subarray(this.pos, this.pos + clen);
        this.pos += clen;
        return lzfDecompress(packed, len);
      }
      default:
        return null;
    }
  }
}

/** Appends the DUMP footer: RDB version (2 bytes LE) and CRC-64 of everything before it. */
export function withPayloadFooter(body: Buffer): Buffer {
  const ver = Buffer.from([RDB_VERSION & 0xff, (RDB_VERSION >> 8) & 0xff]);
  const head = Buffer.concat([body, ver]);
  return Buffer.concat([head, crc64(head)]);
}

/**
 * verifyDumpPayload: at least the 10-byte footer, a version this server
 * reads, and a matching CRC-64. Returns the RDB version, or null.
 */
export function verifyPayload(p: Buffer): number | null {
  if (p.length < 10) return null;
  const ver = p[p.length - 10] | (p[p.length - 9] << 8);
  if (ver > RDB_VERSION) return null;
  return crc64(p, 0, p.length - 8).equals(p.subarray(p.length - 8)) ? ver : null;
}
