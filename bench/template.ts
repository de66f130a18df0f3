// Request templates: commands encoded once, with the variable parts (key
// numbers, members, timestamps) left as slots that `emit` fills in place.
//
// A command is written as strings with `{name}` markers: `['SET', 'key:{k}',
// '{value}']`. Constants (`{value}`, `{sha}`) are substituted at compile time.
// A variable inside a longer argument has a fixed width (zero-padded digits),
// so the argument's `$len` header is known in advance and emitting a request
// is a few short copies plus the digits. A variable that is a whole argument
// and must parse as an integer (Redis rejects leading zeros in integers) is
// written with its own `$len` header at emit time instead (`width` 0).

export interface VarSpec {
  /**
   * key: from the run's key distribution over n (default: the key space);
   * rand: uniform in [0, n); num: uniform integer in [min, max], written
   * without padding; conn: the connection's index modulo n; time: the sender's
   * clock in microseconds (16 digits), for end-to-end latency of pub/sub.
   */
  kind: 'key' | 'rand' | 'num' | 'conn' | 'time';
  n?: number;
  min?: number;
  max?: number;
}

const MARKER = /\{(\w+)\}/g;
const CRLF = Buffer.from('\r\n');
const SHORT_COPY = 48;

export function digitsOf(n: number): number {
  return Math.max(1, String(Math.max(0, Math.floor(n))).length);
}

/** Decimal width of a variable (0 = variable-length whole argument). */
export function widthOf(v: VarSpec, keyspace: number): number {
  switch (v.kind) {
    case 'key': return digitsOf((v.n ?? keyspace) - 1);
    case 'rand':
    case 'conn': return digitsOf((v.n ?? keyspace) - 1);
    case 'time': return 16;
    case 'num': return 0;
  }
}

export class Template {
  /** Literal byte runs; a slot sits between lits[i] and lits[i + 1]. */
  readonly lits: Buffer[];
  readonly slots: Int32Array;
  readonly widths: Int32Array;
  /** An upper bound on the bytes one emit writes. */
  readonly maxLen: number;
  /** The variable slots this template reads (each drawn once per request). */
  readonly uses: number[];
  /** Number of commands, which is the number of replies expected. */
  readonly commands: number;

  constructor(cmds: string[][], slotOf: Map<string, number>, widthOfSlot: number[], consts: Map<string, Buffer>) {
    const lits: Buffer[] = [];
    const slots: number[] = [];
    const widths: number[] = [];
    let cur: Buffer[] = [];
    const flush = (): void => { lits.push(Buffer.concat(cur)); cur = []; };
    for (const cmd of cmds) {
      cur.push(Buffer.from(`*${cmd.length}\r\n`));
      for (const arg of cmd) {
        const whole = /^\{(\w+)\}$/.exec(arg);
        if (whole && slotOf.has(whole[1]) && widthOfSlot[slotOf.get(whole[1])!] === 0) {
          flush();
          slots.push(slotOf.get(whole[1])!);
          widths.push(0);
          continue;
        }
        // Split into literal and fixed-width variable parts.
        const parts: (Buffer | number)[] = [];
        let last = 0;
        let len = 0;
        for (const m of arg.matchAll(MARKER)) {
          const lit = Buffer.from(arg.slice(last, m.index));
          parts.push(lit);
          len += lit.length;
          last = m.index! + m[0].length;
          const c = consts.get(m[1]);
          if (c) {
            parts.push(c);
            len += c.length;
          } else if (slotOf.has(m[1])) {
            const s = slotOf.get(m[1])!;
            if (widthOfSlot[s] === 0) throw new Error(`{${m[1]}} must be a whole argument`);
            parts.push(s);
            len += widthOfSlot[s];
          } else {
            throw new Error(`unknown template variable {${m[1]}}`);
          }
        }
        const tail = Buffer.from(arg.slice(last));
        parts.push(tail);
        len += tail.length;
        cur.push(Buffer.from(`$${len}\r\n`));
        for (const p of parts) {
          if (typeof p === 'number') {
            flush();
            slots.push(p);
            widths.push(widthOfSlot[p]);
          } else {
            cur.push(p);
          }
        }
        cur.push(CRLF);
      }
    }
    flush();
    this.lits = lits;
    this.slots = Int32Array.from(slots);
    this.widths = Int32Array.from(widths);
    this.commands = cmds.length;
    // A variable-length slot writes "$" + up to 20 digits of length + CRLF + value + CRLF.
    this.maxLen = lits.reduce((a, l) => a + l.length, 0) + widths.reduce((a, w) => a + (w || 48), 0);
    this.uses = [...new Set(slots)];
  }

  /** Writes one request at `pos` with slot values from `vals[base + slot]`; returns the end. */
  emit(out: Buffer, pos: number, vals: Float64Array, base = 0): number {
    const lits = this.lits;
    const n = this.slots.length;
    pos = copyIn(out, pos, lits[0]);
    for (let i = 0; i < n; i++) {
      const w = this.widths[i];
      const v = vals[base + this.slots[i]];
      if (w > 0) {
        pos = writePadded(out, pos, v, w);
      } else {
        const d = digitsOf(v);
        out[pos++] = 0x24; // $
        pos = writePadded(out, pos, d, digitsOf(d));
        out[pos++] = 13;
        out[pos++] = 10;
        pos = writePadded(out, pos, v, d);
        out[pos++] = 13;
        out[pos++] = 10;
      }
      pos = copyIn(out, pos, lits[i + 1]);
    }
    return pos;
  }
}

function copyIn(out: Buffer, pos: number, lit: Buffer): number {
  const n = lit.length;
  if (n > SHORT_COPY) {
    out.set(lit, pos);
    return pos + n;
  }
  for (let i = 0; i < n; i++) out[pos + i] = lit[i];
  return pos + n;
}

/** Writes the non-negative integer v as exactly `w` digits (zero-padded). */
function writePadded(out: Buffer, pos: number, v: number, w: number): number {
  let x = v;
  for (let i = w - 1; i >= 0; i--) {
    const q = Math.floor(x / 10);
    out[pos + i] = 48 + (x - q * 10);
    x = q;
  }
  return pos + w;
}
