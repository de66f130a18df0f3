// Replies as redis-cli prints them on a terminal (cliFormatReplyTTY), and
// command lines split as redis-cli splits them (sdssplitargs): what the
// playground's REPL shows and reads. Works on raw RESP bytes, because the
// formatting depends on the reply's type (a status prints bare, a bulk
// string quoted), which JS values do not keep.

type Node =
  | { t: 'status' | 'error' | 'int' | 'double' | 'bignum' | 'verbatim'; s: string }
  | { t: 'bulk'; b: Uint8Array }
  | { t: 'nil' }
  | { t: 'bool'; v: boolean }
  | { t: 'array' | 'set' | 'map' | 'push'; items: Node[] };

const decoder = new TextDecoder();

function parse(bytes: Uint8Array, pos: { at: number }): Node {
  const lineEnd = () => {
    let i = pos.at;
    while (i + 1 < bytes.length && !(bytes[i] === 13 && bytes[i + 1] === 10)) i++;
    const s = decoder.decode(bytes.subarray(pos.at + 1, i));
    pos.at = i + 2;
    return s;
  };
  const type = String.fromCharCode(bytes[pos.at]);
  const line = lineEnd();
  const agg = (n: number) => Array.from({ length: n }, () => parse(bytes, pos));
  switch (type) {
    case '+': return { t: 'status', s: line };
    case '-': return { t: 'error', s: line };
    case ':': return { t: 'int', s: line };
    case ',': return { t: 'double', s: line };
    case '(': return { t: 'bignum', s: line };
    case '#': return { t: 'bool', v: line === 't' };
    case '_': return { t: 'nil' };
    case '$': case '=': case '!': {
      const n = Number(line);
      if (n < 0) return { t: 'nil' };
      const b = bytes.subarray(pos.at, pos.at + n);
      pos.at += n + 2;
      if (type === '=') return { t: 'verbatim', s: decoder.decode(b.subarray(4)) };
      if (type === '!') return { t: 'error', s: decoder.decode(b) };
      return { t: 'bulk', b };
    }
    case '*': case '~': case '>': {
      const n = Number(line);
      if (n < 0) return { t: 'nil' };
      return { t: type === '*' ? 'array' : type === '~' ? 'set' : 'push', items: agg(n) };
    }
    case '%': return { t: 'map', items: agg(Number(line) * 2) };
    case '|': agg(Number(line) * 2); return parse(bytes, pos);
    default: throw new Error(`unexpected RESP type ${JSON.stringify(type)}`);
  }
}

/** sdscatrepr: a double-quoted string with C escapes for what is not printable. */
export function quoteBytes(b: Uint8Array): string {
  let s = '"';
  for (const c of b) {
    switch (c) {
      case 0x5c: s += '\\\\'; break;
      case 0x22: s += '\\"'; break;
      case 0x0a: s += '\\n'; break;
      case 0x0d: s += '\\r'; break;
      case 0x09: s += '\\t'; break;
      case 0x07: s += '\\a'; break;
      case 0x08: s += '\\b'; break;
      default: s += c >= 0x20 && c <= 0x7e ? String.fromCharCode(c) : '\\x' + c.toString(16).padStart(2, '0');
    }
  }
  return s + '"';
}

const EMPTY: Record<string, string> = { array: '(empty array)', set: '(empty set)', map: '(empty hash)', push: '(empty push)' };

function format(r: Node, prefix: string): string {
  switch (r.t) {
    case 'error': return `(error) ${r.s}\n`;
    case 'status': return `${r.s}\n`;
    case 'int': return `(integer) ${r.s}\n`;
    case 'double': return `(double) ${r.s}\n`;
    case 'bignum': return `(big number) ${r.s}\n`;
    case 'verbatim': return `${r.s}\n`;
    case 'bulk': return `${quoteBytes(r.b)}\n`;
    case 'nil': return '(nil)\n';
    case 'bool': return r.v ? '(true)\n' : '(false)\n';
    default: {
      const items = r.items;
      if (items.length === 0) return `${EMPTY[r.t]}\n`;
      const idxlen = String(r.t === 'map' ? items.length / 2 : items.length).length;
      const inner = prefix + ' '.repeat(idxlen + 2);
      const sep = r.t === 'set' ? '~' : r.t === 'map' ? '#' : ')';
      let out = '';
      for (let i = 0; i < items.length; i++) {
        const human = (r.t === 'map' ? Math.floor(i / 2) : i) + 1;
        out += `${i === 0 ? '' : prefix}${String(human).padStart(idxlen)}${sep} `;
        out += format(items[i], inner);
        if (r.t === 'map') {
          i++;
          out = out.slice(0, -1) + ' => ' + format(items[i], inner);
        }
      }
      return out;
    }
  }
}

/** One reply's raw RESP bytes as redis-cli shows it (without the last newline). */
export function formatReply(bytes: Uint8Array): string {
  return format(parse(bytes, { at: 0 }), '').replace(/\n$/, '');
}

const isSpace = (c: string) => c === ' ' || c === '\n' || c === '\r' || c === '\t' || c === '\v' || c === '\f';
const HEX = /^[0-9a-fA-F]{2}$/;

/**
 * Splits a command line as redis-cli does: spaces separate words; "..."
 * takes C escapes (\n, \xHH); '...' takes only \'. Null for unbalanced quotes.
 */
export function splitCommandLine(line: string): string[] | null {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    while (i < line.length && isSpace(line[i])) i++;
    if (i >= line.length) return out;
    let cur = '';
    let inDq = false, inSq = false;
    for (;;) {
      const c = line[i];
      if (inDq) {
        if (c === undefined) return null;
        if (c === '\\' && line[i + 1] === 'x' && HEX.test(line.slice(i + 2, i + 4))) {
          cur += String.fromCharCode(parseInt(line.slice(i + 2, i + 4), 16));
          i += 3;
        } else if (c === '\\' && i + 1 < line.length) {
          i++;
          const e = line[i];
          cur += e === 'n' ? '\n' : e === 'r' ? '\r' : e === 't' ? '\t' : e === 'b' ? '\b' : e === 'a' ? '\x07' : e;
        } else if (c === '"') {
          if (i + 1 < line.length && !isSpace(line[i + 1])) return null;
          inDq = false;
          i++;
          break;
        } else cur += c;
      } else if (inSq) {
        if (c === undefined) return null;
        if (c === '\\' && line[i + 1] === "'") { i++; cur += "'"; }
        else if (c === "'") {
          if (i + 1 < line.length && !isSpace(line[i + 1])) return null;
          inSq = false;
          i++;
          break;
        } else cur += c;
      } else if (c === undefined || isSpace(c)) break;
      else if (c === '"') inDq = true;
      else if (c === "'") inSq = true;
      else cur += c;
      i++;
    }
    out.push(cur);
  }
}
