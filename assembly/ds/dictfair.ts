// A uniformly random entry of a ds/dict.ts dict, for HRANDFIELD (and any
// other "random member" command).
//
// dictRandom picks a bucket, then an entry of its chain: an entry alone in
// its bucket is then more likely than one sharing a chain of three. Here a
// draw picks a bucket uniformly among those that can hold entries and a
// position uniformly in [0, FAIR_CHAIN); it succeeds if the chain has an
// entry at that position. Every entry of a chain no longer than FAIR_CHAIN
// has the same chance per draw, so the result is exactly uniform as long as
// no chain is longer. With a seeded hash and a load factor of at most 1 a
// chain of more than 16 is vanishingly rare (Poisson tail, ~1e-15 a bucket);
// meeting one falls back to an O(n) walk to a uniform index, so no entry is
// ever unreachable.
//
// Costs: expected draws = buckets * FAIR_CHAIN / entries, at most 16 at full
// load and 160 at the lowest load before the dict shrinks (10%). Each draw is
// one random number and a short chain walk.

import { Dict, dictSize, entryNext } from "./dict";
import { randomBelow } from "./hash";

const FAIR_CHAIN: u32 = 16;

// @ts-ignore: decorator
@inline function bucket(tab: u32, i: u32): usize {
  return <usize>load<u32>(<usize>tab + (<usize>i << 2));
}

/** The n-th entry in table order (0-based); n < dictSize. */
function dictNth(d: Dict, n: u32): usize {
  for (let t = 0; t < 2; t++) {
    const tab = t == 0 ? d.t0 : d.t1;
    if (tab == 0) continue;
    const size = (t == 0 ? d.mask0 : d.mask1) + 1;
    for (let i: u32 = 0; i < size; i++) {
      let e = bucket(tab, i);
      while (e != 0) {
        if (n == 0) return e;
        n--;
        e = entryNext(e);
      }
    }
  }
  return 0;
}

/** A uniformly chosen entry, or 0 if the dict is empty. Does not modify the dict. */
export function dictFairRandom(d: Dict): usize {
  const n = dictSize(d);
  if (n == 0) return 0;
  while (true) {
    let head: usize;
    if (d.rehashIdx >= 0) {
      // t0's buckets below rehashIdx are already empty.
      const left = d.mask0 + 1 - <u32>d.rehashIdx;
      const i = randomBelow(left + d.mask1 + 1);
      head = i < left ? bucket(d.t0, <u32>d.rehashIdx + i) : bucket(d.t1, i - left);
    } else {
      head = bucket(d.t0, randomBelow(d.mask0 + 1));
    }
    if (head == 0) continue;
    let len: u32 = 0;
    let e = head;
    while (e != 0 && len <= FAIR_CHAIN) { len++; e = entryNext(e); }
    if (len > FAIR_CHAIN) return dictNth(d, randomBelow(n));
    let pos = randomBelow(FAIR_CHAIN);
    if (pos >= len) continue;
    e = head;
    while (pos-- > 0) e = entryNext(e);
    return e;
  }
  return 0;
}
