// Redis's glob matching (stringmatchlen) over bytes: * ? [set] [^set] [a-z]
// and backslash escapes, optionally case-insensitive.

const lower = (b: number) => (b >= 65 && b <= 90 ? b + 32 : b);

export function stringMatch(pattern: Uint8Array, str: Uint8Array, nocase = false): boolean {
  return matchAt(pattern, 0, str, 0, nocase, 0);
}

function matchAt(p: Uint8Array, pi: number, s: Uint8Array, si: number, nocase: boolean, depth: number): boolean {
  // Redis gives up past a nesting limit rather than recursing without bound.
  if (depth > 1000) return false;
  const eq = (a: number, b: number) => (nocase ? lower(a) === lower(b) : a === b);
  while (pi < p.length && si <= s.length) {
    const c = p[pi];
    if (c === 42) { // '*'
      while (pi + 1 < p.length && p[pi + 1] === 42) pi++;
      if (pi + 1 === p.length) return true;
      for (let k = si; k <= s.length; k++) if (matchAt(p, pi + 1, s, k, nocase, depth + 1)) return true;
      return false;
    }
    if (si >= s.length) return false;
    if (c === 63) { // '?'
      si++; pi++; continue;
    }
    if (c === 91) { // '['
      pi++;
      const not = p[pi] === 94; // '^'
      if (not) pi++;
      let hit = false;
      for (;;) {
        if (pi >= p.length) { pi--; break; } // unterminated: Redis treats the end as ']'
        if (p[pi] === 92 && pi + 2 < p.length) { // '\'
          pi++;
          if (p[pi] === s[si]) hit = true;
        } else if (p[pi] === 93) { // ']'
          break;
        } else if (pi + 2 < p.length && p[pi + 1] === 45) { // a-z
          let a = p[pi];
          let b = p[pi + 2];
          let x = s[si];
          if (a > b) [a, b] = [b, a];
          if (nocase) { a = lower(a); b = lower(b); x = lower(x); }
          pi += 2;
          if (x >= a && x <= b) hit = true;
        } else if (eq(p[pi], s[si])) {
          hit = true;
        }
        pi++;
      }
      if (not) hit = !hit;
      if (!hit) return false;
      si++; pi++;
      continue;
    }
    if (c === 92 && pi + 1 < p.length) pi++; // '\x' matches x
    if (!eq(p[pi], s[si])) return false;
    pi++; si++;
  }
  while (pi < p.length && p[pi] === 42) pi++;
  return pi === p.length && si === s.length;
}
