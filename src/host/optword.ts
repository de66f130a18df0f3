// Option words as Redis reads them: strcasecmp on the argument's C string,
// so "ASYNC\0junk" is ASYNC (the sds buffer's first NUL ends the word).
// Host commands compare the lower-cased text this returns.

/** The argument up to its first NUL byte, as lower-case latin1 text. */
export function optText(b: Buffer): string {
  const nul = b.indexOf(0);
  return b.toString('latin1', 0, nul < 0 ? b.length : nul).toLowerCase();
}
