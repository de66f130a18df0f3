// Random RESP request streams for the reader's tests (resp-reader.test.ts)
// and the pipeline read-ahead's (prefetch.test.ts).
import { encodeCommand } from './resp.js';

// Random streams: valid pipelines with one mutation each (a length digit
// changed, bytes dropped or inserted, a type byte replaced). The reader
// takes complete bulks in one pass and anything else step by step, so the
// same bytes arriving whole, cut at random places or a byte at a time go
// through different paths: the replies and the close must be the same.
export function randomStream(rand: () => number): Buffer {
  const pick = <T>(a: T[]): T => a[Math.floor(rand() * a.length)];
  const word = () => {
    const n = pick([0, 1, 3, 9, 10, 31, 100, 700]);
    let w = '';
    for (let i = 0; i < n; i++) w += String.fromCharCode(pick([97 + Math.floor(rand() * 26), 13, 10, 36, 42, 48 + Math.floor(rand() * 10)]));
    return w;
  };
  const parts: Buffer[] = [];
  const cmds = 1 + Math.floor(rand() * 6);
  for (let i = 0; i < cmds; i++) {
    const form = rand();
    if (form < 0.15) parts.push(Buffer.from(`ECHO ${pick(['a', 'bb', '"q r"'])}\r\n`, 'latin1'));
    else if (form < 0.3) parts.push(encodeCommand(['MSET', ...Array.from({ length: 2 * (1 + Math.floor(rand() * 12)) }, word)]));
    else parts.push(encodeCommand([pick(['ECHO', 'GET', 'STRLEN', 'EXISTS']), word()]));
  }
  const buf = Buffer.concat(parts);
  const at = Math.floor(rand() * buf.length);
  const m = rand();
  if (m < 0.4) {
    // A byte of a bulk header ("$<digits>\r\n"), where the reader's two paths differ most.
    const d = buf.indexOf(0x24, at);
    const i = d + 1 + Math.floor(rand() * 4);
    if (d >= 0 && i < buf.length) buf[i] = pick([48, 48 + Math.floor(rand() * 10), 120, 13, 10, 32, 45, 43]);
    return buf;
  }
  if (m < 0.55) return Buffer.concat([buf.subarray(0, at), buf.subarray(Math.min(buf.length, at + 1 + Math.floor(rand() * 4)))]);
  if (m < 0.7) return Buffer.concat([buf.subarray(0, at), Buffer.from(pick(['$', '*', '\r\n', '0', '-1', '$99999999999\r\n', '\x00'])), buf.subarray(at)]);
  if (m < 0.85) {
    buf[at] = pick([0x24, 0x2a, 0x3a, 0x2b, 0x0d, 0x0a, 0x20]);
    return buf;
  }
  return buf;
}
