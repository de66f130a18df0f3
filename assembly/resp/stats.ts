// Error and command counters for INFO errorstats / commandstats.
//
// `noteError` is called by the writer for every error reply; the dispatcher
// reads `errorsSeen` around a command to count failed calls. Error codes are
// the first word of the text (ERR, WRONGTYPE, ...), as Redis counts them.

export let errorsSeen: u32 = 0;
export let totalErrorReplies: u64 = 0;

const codes = new Array<string>();
const counts = new Array<u64>();

function countCode(code: string): void {
  totalErrorReplies++;
  errorsSeen++;
  for (let i = 0; i < codes.length; i++) {
    if (codes[i] == code) { counts[i]++; return; }
  }
  // Redis caps distinct error codes at 128 to bound memory.
  if (codes.length >= 128) return;
  codes.push(code);
  counts.push(1);
}

export function noteError(msg: string): void {
  const sp = msg.indexOf(" ");
  countCode(sp < 0 ? msg : msg.substring(0, sp));
}

export function noteErrorBytes(ptr: usize, len: usize): void {
  let n: usize = 0;
  while (n < len && n < 64 && load<u8>(ptr + n) != 32) n++;
  let s = "";
  for (let i: usize = 0; i < n; i++) s += String.fromCharCode(load<u8>(ptr + i));
  countCode(s);
}

export function errorCodeCount(): i32 { return codes.length; }
export function errorCodeName(i: i32): string { return codes[i]; }
export function errorCodeTotal(i: i32): u64 { return counts[i]; }
export function resetErrorStats(): void {
  codes.length = 0;
  counts.length = 0;
  totalErrorReplies = 0;
}
