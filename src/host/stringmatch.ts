// Redis's glob matching (util.c stringmatchlen, 7.0.15) over bytes, for the
// host: pattern subscriptions, PUBSUB CHANNELS, CONFIG GET, COMMAND LIST
// FILTERBY PATTERN. The engine's KEYS/SCAN use assembly/util/glob.ts, the
// same algorithm.
//
//   *        any run of bytes, including none (but see below)
//   ?        any one byte
//   [abc]    one byte of the set; [^abc] one byte not in it; [a-z] a range
//            (ends in either order); `\x` inside a set is `x`
//   \x       the byte x itself
//
// Quirks kept because clients see them:
// - an empty string matches no pattern, not even "*" (the loop never runs);
// - an unterminated set matches with what it has read ("[^" is any byte);
// - "[a-]" is the range from 'a' to ']' and so eats the closing bracket;
// - range ends compare as C's signed char, so bytes >= 0x80 sort below ASCII;
// - a trailing lone `\` matches a `\`;
// - `nocase` lowercases only ASCII letters (the C locale's tolower) and never
//   applies to an escaped byte inside a set.
//
// Cost: O(pattern * string) at worst thanks to the "skip longer matches"
// cut (without it, "a*a*a*...b" is exponential); star nesting deeper than
// 1000 fails the match, Redis's guard for the stack.

const STAR = 42;      // '*'
const QUESTION = 63;  // '?'
const LBRACKET = 91;  // '['
const RBRACKET = 93;  // ']'
const BACKSLASH = 92; // '\'
const CARET = 94;     // '^'
const DASH = 45;      // '-'

const MAX_NESTING = 1000;

const lower = (b: number) => (b >= 65 && b <= 90 ? b + 32 : b);
const signed = (b: number) => (b >= 128 ? b - 256 : b);

export function stringMatch(pattern: Uint8Array, str: Uint8Array, nocase = false): boolean {
  return new Matcher(pattern, str, nocase).run(0, pattern.length, 0, str.length, 0);
}

class Matcher {
  /** Some `*` failed to match the rest anywhere: no earlier `*` can do better. */
  private skipLonger = false;

  constructor(private p: Uint8Array, private s: Uint8Array, private nocase: boolean) {}

  /** Redis reads a byte past the pattern where an sds has its NUL: 0 there. */
  private pat(i: number): number {
    return i < this.p.length ? this.p[i] : 0;
  }

  run(pi: number, plen: number, si: number, slen: number, nesting: number): boolean {
    if (nesting > MAX_NESTING) return false;
    const p = this.p;
    const s = this.s;
    const nocase = this.nocase;
    while (plen > 0 && slen > 0) {
      const c = p[pi];
      if (c === STAR) {
        while (plen > 0 && this.pat(pi + 1) === STAR) {
          pi++;
          plen--;
        }
        if (plen === 1) return true;
        while (slen > 0) {
          if (this.run(pi + 1, plen - 1, si, slen, nesting + 1)) return true;
          if (this.skipLonger) return false;
          si++;
          slen--;
        }
        this.skipLonger = true;
        return false;
      } else if (c === QUESTION) {
        si++;
        slen--;
      } else if (c === LBRACKET) {
        pi++;
        plen--;
        const not = this.pat(pi) === CARET;
        if (not) {
          pi++;
          plen--;
        }
        let match = false;
        for (;;) {
          const pc = this.pat(pi);
          if (pc === BACKSLASH && plen >= 2) {
            pi++;
            plen--;
            if (p[pi] === s[si]) match = true;
          } else if (pc === RBRACKET) {
            break;
          } else if (plen === 0) {
            pi--;
            plen++;
            break;
          } else if (plen >= 3 && this.pat(pi + 1) === DASH) {
            let start = signed(p[pi]);
            let end = signed(p[pi + 2]);
            let ch = signed(s[si]);
            if (start > end) [start, end] = [end, start];
            if (nocase) {
              start = lower(start);
              end = lower(end);
              ch = lower(ch);
            }
            pi += 2;
            plen -= 2;
            if (ch >= start && ch <= end) match = true;
          } else if (nocase ? lower(pc) === lower(s[si]) : pc === s[si]) {
            match = true;
          }
          pi++;
          plen--;
        }
        if (not) match = !match;
        if (!match) return false;
        si++;
        slen--;
      } else {
        if (c === BACKSLASH && plen >= 2) {
          pi++;
          plen--;
        }
        const pc = p[pi];
        if (nocase ? lower(pc) !== lower(s[si]) : pc !== s[si]) return false;
        si++;
        slen--;
      }
      pi++;
      plen--;
      if (slen === 0) {
        while (this.pat(pi) === STAR) {
          pi++;
          plen--;
        }
        break;
      }
    }
    return plen === 0 && slen === 0;
  }
}
