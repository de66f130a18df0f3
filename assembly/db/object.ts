// Value destructors and sizes, by type. Each data-type family adds its case
// here when it lands; strings are the only type with out-of-line bytes today.

import { memFree, blockFootprint } from "../ds/mem";
import { E_VAL_PTR, TYPE_STRING, ENC_RAW, typeOf, encOf } from "./entry";

export function freeValue(e: usize): void {
  const t = typeOf(e);
  if (t == TYPE_STRING) {
    if (encOf(e) == ENC_RAW) memFree(<usize>load<u32>(e, E_VAL_PTR));
    return;
  }
}

/** Bytes owned by the value outside the entry itself. */
export function valueFootprint(e: usize): usize {
  const t = typeOf(e);
  if (t == TYPE_STRING) {
    if (encOf(e) == ENC_RAW) {
      const p = <usize>load<u32>(e, E_VAL_PTR);
      return p != 0 ? blockFootprint(p) : 0;
    }
    return 0;
  }
  return 0;
}
