// How the sorted set commands read a plain set without knowing its
// encodings: ZUNION, ZINTER, ZDIFF, their STORE forms and ZINTERCARD accept
// sets as inputs, every member scoring 1 (Redis's zsetopsrc over OBJ_SET).
// The set family registers its three functions here at init (from its own
// register()); until it does, no key can hold a set and nothing calls them.
//
//   size(e)               members in the set
//   has(e, ptr, len)      membership
//   each(e, visit)        calls visit(ptr, len) for every member; the bytes
//                         are valid during the call only (intset members
//                         as decimal text); visit must not modify the set

export type SetSizeFn = (e: usize) => u64;
export type SetHasFn = (e: usize, ptr: usize, len: usize) => bool;
export type SetVisitFn = (ptr: usize, len: usize) => void;
export type SetEachFn = (e: usize, visit: SetVisitFn) => void;

function noSize(e: usize): u64 { assert(false, "set access not registered"); return 0; }
function noHas(e: usize, ptr: usize, len: usize): bool { assert(false, "set access not registered"); return false; }
function noEach(e: usize, visit: SetVisitFn): void { assert(false, "set access not registered"); }

export let setSize: SetSizeFn = noSize;
export let setHas: SetHasFn = noHas;
export let setEach: SetEachFn = noEach;

export function registerSetAccess(size: SetSizeFn, has: SetHasFn, each: SetEachFn): void {
  setSize = size;
  setHas = has;
  setEach = each;
}
