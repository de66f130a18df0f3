// A RESP2/RESP3 parser for tests: turns reply bytes into JS values, and
// encodes commands. Errors become { error: "ERR ..." } so tests can compare.

export type RespValue =
  | string | number | bigint | null | boolean | RespValue[]
  | { error: string } | { map: [RespValue, RespValue][] } | { set: RespValue[] }
  | { double: string } | { verbatim: string } | { push: RespValue[] };

export function encodeCommand(args: (string | Buffer | number)[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const a of args) {
    const b = Buffer.isBuffer(a) ? a : Buffer.from(String(a));
    parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}

/** Parses one reply at `pos`; returns [value, nextPos] or null if incomplete. */
export function parseReply(buf: Buffer, pos = 0): [RespValue, number] | null {
  if (pos >= buf.length) return null;
  const nl = buf.indexOf('\r\n', pos);
  if (nl < 0) return null;
  const type = String.fromCharCode(buf[pos]);
  const line = buf.toString('utf8', pos + 1, nl);
  let next = nl + 2;
  const agg = (n: number): [RespValue[], number] | null => {
    const items: RespValue[] = [];
    for (let i = 0; i < n; i++) {
      const r = parseReply(buf, next);
      if (!r) return null;
      items.push(r[0]);
      next = r[1];
    }
    return [items, next];
  };
  switch (type) {
    case '+': return [line, next];
    case '-': return [{ error: line }, next];
    case ':': {
      const n = Number(line);
      return [Number.isSafeInteger(n) ? n : BigInt(line), next];
    }
    case '$': case '=': {
      const len = Number(line);
      if (len < 0) return [null, next];
      if (next + len + 2 > buf.length) return null;
      const s = buf.toString('latin1', next, next + len);
      return [type === '=' ? { verbatim: s } : s, next + len + 2];
    }
    case '_': return [null, next];
    case '#': return [line === 't', next];
    case ',': return [{ double: line }, next];
    case '(': return [BigInt(line), next];
    case '*': case '~': case '>': {
      const n = Number(line);
      if (n < 0) return [null, next];
      const r = agg(n);
      if (!r) return null;
      if (type === '~') return [{ set: r[0] }, r[1]];
      if (type === '>') return [{ push: r[0] }, r[1]];
      return r;
    }
    case '%': {
      const r = agg(Number(line) * 2);
      if (!r) return null;
      const pairs: [RespValue, RespValue][] = [];
      for (let i = 0; i < r[0].length; i += 2) pairs.push([r[0][i], r[0][i + 1]]);
      return [{ map: pairs }, r[1]];
    }
    default:
      throw new Error(`bad RESP type byte ${JSON.stringify(type)} at ${pos}`);
  }
}

export function parseAll(buf: Buffer): RespValue[] {
  const out: RespValue[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const r = parseReply(buf, pos);
    if (!r) throw new Error(`incomplete reply: ${JSON.stringify(buf.toString('latin1', pos))}`);
    out.push(r[0]);
    pos = r[1];
  }
  return out;
}
