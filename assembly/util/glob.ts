// Glob-style matching with exactly Redis's rules (util.c stringmatchlen),
// used by KEYS and SCAN MATCH and, later, by pattern subscriptions.
//
//   *        any run of bytes, including none
//   ?        any one byte
//   [abc]    one byte of the set; [^abc] one byte not in it; [a-z] a range
//            (ends may be given in either order); `\x` inside a set is `x`
//   \x       the byte x itself
//
// Quirks kept on purpose because clients see them: an unterminated `[` set
// matches what it has read so far; a trailing lone `\` matches a `\`; range
// ends compare as signed chars (C's `char` on x86), so bytes >= 0x80 sort
// below ASCII. Pure: no allocation, no Redis state.
//
// Cost: O(pattern * string) in the worst case thanks to the "skip longer
// matches" cut; star nesting deeper than 1000 fails the match (Redis's guard
// against patterns built to exhaust the stack).

const STAR: u8 = 42;      // '*'
const QUESTION: u8 = 63;  // '?'
const LBRACKET: u8 = 91;  // '['
const RBRACKET: u8 = 93;  // ']'
const BACKSLASH: u8 = 92; // '\'
const CARET: u8 = 94;     // '^'
const DASH: u8 = 45;      // '-'

const MAX_NESTING: i32 = 1000;

// Redis reads one byte past the pattern in places, where an sds string has
// its NUL terminator; `patEnd` lets us return that NUL instead of whatever
// follows the pattern in memory.
let patEnd: usize = 0;
// Set once some `*` failed to match the rest anywhere: then no earlier `*`
// can succeed by taking a longer run (shared by the whole recursion).
let skipLonger: bool = false;

// @ts-ignore: decorator
@inline function patAt(p: usize): u8 {
  return p < patEnd ? load<u8>(p) : 0;
}

// @ts-ignore: decorator
@inline function signedAt(p: usize): i32 {
  return <i32>load<i8>(p);
}

function matchImpl(p: usize, plen: isize, s: usize, slen: isize, nesting: i32): bool {
  if (nesting > MAX_NESTING) return false;
  while (plen > 0 && slen > 0) {
    const c = load<u8>(p);
    if (c == STAR) {
      while (plen > 0 && patAt(p + 1) == STAR) {
        p++;
        plen--;
      }
      if (plen == 1) return true;
      while (slen > 0) {
        if (matchImpl(p + 1, plen - 1, s, slen, nesting + 1)) return true;
        if (skipLonger) return false;
        s++;
        slen--;
      }
      skipLonger = true;
      return false;
    } else if (c == QUESTION) {
      s++;
      slen--;
    } else if (c == LBRACKET) {
      p++;
      plen--;
      const not = patAt(p) == CARET;
      if (not) {
        p++;
        plen--;
      }
      let match = false;
      while (true) {
        const pc = patAt(p);
        if (pc == BACKSLASH && plen >= 2) {
          p++;
          plen--;
          if (load<u8>(p) == load<u8>(s)) match = true;
        } else if (pc == RBRACKET) {
          break;
        } else if (plen == 0) {
          p--;
          plen++;
          break;
        } else if (plen >= 3 && patAt(p + 1) == DASH) {
          let start = signedAt(p);
          let end = signedAt(p + 2);
          const ch = signedAt(s);
          if (start > end) {
            const t = start;
            start = end;
            end = t;
          }
          p += 2;
          plen -= 2;
          if (ch >= start && ch <= end) match = true;
        } else if (pc == load<u8>(s)) {
          match = true;
        }
        p++;
        plen--;
      }
      if (not) match = !match;
      if (!match) return false;
      s++;
      slen--;
    } else {
      if (c == BACKSLASH && plen >= 2) {
        p++;
        plen--;
      }
      if (load<u8>(p) != load<u8>(s)) return false;
      s++;
      slen--;
    }
    p++;
    plen--;
    if (slen == 0) {
      while (patAt(p) == STAR) {
        p++;
        plen--;
      }
      break;
    }
  }
  return plen == 0 && slen == 0;
}

/** True if the `strLen` bytes at `strPtr` match the glob pattern. */
export function globMatch(patPtr: usize, patLen: usize, strPtr: usize, strLen: usize): bool {
  patEnd = patPtr + patLen;
  skipLonger = false;
  return matchImpl(patPtr, <isize>patLen, strPtr, <isize>strLen, 0);
}
