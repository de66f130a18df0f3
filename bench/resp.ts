// The load generator's RESP: an encoder for requests and a resumable reply
// scanner that counts replies without building them.
//
// The scanner is the generator's hot path on the receive side. It never
// allocates per reply: it walks header lines, jumps over bulk payloads by
// their length, keeps a stack of remaining element counts for aggregates, and
// calls `onReply(kind)` once per complete top-level reply. State survives
// between `feed` calls, so a reply may be split anywhere across socket reads.

export type Arg = string | Buffer | number;

/** A top-level reply that is neither an error nor a null. */
export const R_OK = 0;
/** A null (RESP2 `$-1`/`*-1`, RESP3 `_`) as the whole reply: a cache miss. */
export const R_NIL = 1;
/** An error, or an aggregate that holds one (an EXEC with a failed command). */
export const R_ERROR = 2;

const CR = 13;
const LF = 10;
const MINUS = 45;
const ZERO = 48;
const NINE = 57;
const DOLLAR = 0x24;
const STAR = 0x2a;
const COLON = 0x3a;

/** Encodes one command as a RESP array of bulk strings. */
export function encodeCommand(args: Arg[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const a of args) {
    const b = Buffer.isBuffer(a) ? a : Buffer.from(String(a));
    parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}

/** Parses a signed decimal between `s` and `e` (exclusive). */
function parseIntAt(b: Uint8Array, s: number, e: number): number {
  let neg = false;
  if (b[s] === MINUS) { neg = true; s++; }
  let n = 0;
  for (; s < e; s++) {
    const d = b[s] - ZERO;
    if (d < 0 || d > 9) throw new Error('protocol error: bad length in reply header');
    n = n * 10 + d;
  }
  return neg ? -n : n;
}

const MAX_DEPTH = 64;
const CAPTURE_MAX = 64;
const MAX_ERROR_TEXTS = 16;

export class ReplyScanner {
  /** Called once per complete top-level reply with R_OK, R_NIL or R_ERROR. */
  onReply: (kind: number) => void = () => {};
  /** Error texts seen (without the leading '-'), with counts; at most 16 distinct. */
  readonly errors = new Map<string, number>();
  /**
   * With `capture` > 0, the first `capture` (at most 64) bytes of a bulk
   * string that ends an aggregate or is a reply by itself (a pub/sub
   * message's payload, which starts with its send time) are copied to
   * `captured`, `capturedLen` of them (-1: the last bulk string read was not
   * captured). 0 by default: copying replies would cost the hot path.
   */
  capture = 0;
  readonly captured = Buffer.alloc(CAPTURE_MAX);
  capturedLen = -1;
  /**
   * With `captureNth` > 0 (instead of `capture`), the first 64 bytes of the
   * n-th bulk string of each top-level reply are captured (XREADGROUP's
   * entry ID is its 2nd); `capturedLen` is -1 until then, and again after
   * the reply's onReply.
   */
  captureNth = 0;
  private bulkNo = 0;

  private stack = new Int32Array(MAX_DEPTH);
  private depth = 0;
  /** The worst kind seen inside the top-level reply being read. */
  private cur = R_OK;
  /** Bytes of a bulk payload (plus its CRLF) still to skip. */
  private skip = 0;
  private bulkKind = R_OK;
  private capPos = 0;
  /** A header line split across reads. */
  private carry = Buffer.alloc(256);
  private carryLen = 0;

  /** Scans bytes [start, end) of `b`; returns how many top-level replies completed. */
  feed(b: Buffer, start = 0, end = b.length): number {
    let i = start;
    let done = 0;
    while (i < end) {
      if (this.skip > 0) {
        let take = end - i;
        if (take > this.skip) take = this.skip;
        if (this.capturedLen >= 0 && this.capPos < this.capturedLen) {
          let n = this.capturedLen - this.capPos;
          if (n > take) n = take;
          // A byte loop: Buffer.copy allocates views, which a message stream turns into GC work.
          const cap = this.captured;
          for (let j = 0; j < n; j++) cap[this.capPos + j] = b[i + j];
          this.capPos += n;
        }
        i += take;
        this.skip -= take;
        if (this.skip > 0) break;
        done += this.element(this.bulkKind);
        continue;
      }
      if (this.carryLen === 0) {
        // Fast path for the common headers ($len, *count, :int) when the
        // whole line is in this read: parse the number while looking for CR.
        const t = b[i];
        if (t === DOLLAR || t === STAR || t === COLON) {
          let j = i + 1;
          let neg = false;
          if (j < end && b[j] === MINUS) {
            neg = true;
            j++;
          }
          let n = 0;
          let c = 0;
          const digits = j;
          while (j < end && (c = b[j]) >= ZERO && c <= NINE) {
            n = n * 10 + (c - ZERO);
            j++;
          }
          if (j + 1 < end && c === CR && b[j + 1] === LF && j > digits) {
            i = j + 2;
            if (neg) n = -n;
            if (t === COLON) done += this.element(R_OK);
            else if (t === DOLLAR) done += this.bulk(n, R_OK);
            else done += this.aggregate(n);
            continue;
          }
        }
      }
      let j = i;
      while (j < end && b[j] !== LF) j++;
      if (j === end) {
        this.stash(b, i, end);
        break;
      }
      if (this.carryLen > 0) {
        this.stash(b, i, j + 1);
        done += this.header(this.carry, 0, this.carryLen - 1);
        this.carryLen = 0;
      } else {
        done += this.header(b, i, j);
      }
      i = j + 1;
    }
    return done;
  }

  /** True when no reply is partly read (a clean point to stop). */
  idle(): boolean { return this.depth === 0 && this.skip === 0 && this.carryLen === 0; }

  private stash(b: Buffer, s: number, e: number): void {
    const need = this.carryLen + (e - s);
    if (need > this.carry.length) {
      if (need > 1 << 16) throw new Error('protocol error: reply header line too long');
      const bigger = Buffer.alloc(Math.max(need, this.carry.length * 2));
      this.carry.copy(bigger, 0, 0, this.carryLen);
      this.carry = bigger;
    }
    b.copy(this.carry, this.carryLen, s, e);
    this.carryLen = need;
  }

  /** One header line: `s` is its type byte, `lf` the index of its LF. */
  private header(b: Buffer, s: number, lf: number): number {
    const eol = lf > s && b[lf - 1] === CR ? lf - 1 : lf;
    switch (b[s]) {
      case 0x2b: // + simple string
      case 0x3a: // : integer
      case 0x2c: // , double
      case 0x23: // # boolean
      case 0x28: // ( big number
        return this.element(R_OK);
      case 0x2d: // - error
        this.noteError(b.toString('latin1', s + 1, eol));
        return this.element(R_ERROR);
      case 0x5f: // _ null
        return this.element(R_NIL);
      case 0x24: // $ bulk string
      case 0x3d: // = verbatim string
        return this.bulk(parseIntAt(b, s + 1, eol), R_OK);
      case 0x21: // ! bulk error
        this.noteError('(bulk error)');
        return this.bulk(parseIntAt(b, s + 1, eol), R_ERROR);
      case 0x2a: // * array
      case 0x7e: // ~ set
      case 0x3e: // > push
        return this.aggregate(parseIntAt(b, s + 1, eol));
      case 0x25: { // % map
        const n = parseIntAt(b, s + 1, eol);
        return this.aggregate(n > 0 ? n * 2 : n);
      }
      default:
        throw new Error(`protocol error: unexpected reply type byte ${b[s]}`);
    }
  }

  private replyDone(): void {
    if (this.captureNth === 0) return;
    this.bulkNo = 0;
    this.capturedLen = -1;
  }

  /** A bulk string header of `len` bytes (-1: null). */
  private bulk(len: number, kind: number): number {
    if (len < 0) return this.element(R_NIL);
    this.bulkKind = kind;
    this.skip = len + 2;
    if (this.captureNth > 0) {
      if (++this.bulkNo === this.captureNth) {
        this.capturedLen = len < CAPTURE_MAX ? len : CAPTURE_MAX;
        this.capPos = 0;
      } else {
        this.capPos = this.capturedLen;
      }
      return 0;
    }
    const cap = this.capture > CAPTURE_MAX ? CAPTURE_MAX : this.capture;
    this.capturedLen = cap > 0 && (this.depth === 0 || this.stack[this.depth - 1] === 1) ? (len < cap ? len : cap) : -1;
    this.capPos = 0;
    return 0;
  }

  /** An aggregate header of `n` elements (-1: null). */
  private aggregate(n: number): number {
    if (n < 0) return this.element(R_NIL);
    if (n === 0) return this.element(R_OK);
    if (this.depth === MAX_DEPTH) throw new Error('protocol error: replies nested too deep');
    this.stack[this.depth++] = n;
    return 0;
  }

  /** An element is complete; returns 1 if that completed a top-level reply. */
  private element(kind: number): number {
    if (this.depth === 0) {
      this.onReply(kind);
      this.replyDone();
      return 1;
    }
    if (kind === R_ERROR) this.cur = R_ERROR;
    for (;;) {
      if (--this.stack[this.depth - 1] > 0) return 0;
      this.depth--;
      if (this.depth === 0) {
        const k = this.cur;
        this.cur = R_OK;
        this.onReply(k);
        this.replyDone();
        return 1;
      }
    }
  }

  private noteError(text: string): void {
    const n = this.errors.get(text);
    if (n !== undefined) this.errors.set(text, n + 1);
    else if (this.errors.size < MAX_ERROR_TEXTS) this.errors.set(text, 1);
  }
}
