// List values: the entry points at a quicklist (ds/quicklist.ts), encoding
// ENC_QUICKLIST. Redis 7.0 stores every list as a quicklist, however small
// (OBJECT ENCODING says "quicklist"); a short list is one node.

import { registerValueType } from "./object";
import { objPtrOf, setObj, ENC_QUICKLIST, TYPE_LIST } from "./entry";
import { qlRelease, qlFootprint, qlDup } from "../ds/quicklist";

function listFree(e: usize): void { qlRelease(objPtrOf(e)); }
function listFootprint(e: usize): usize { return qlFootprint(objPtrOf(e)); }
function listDup(e: usize): void { setObj(e, qlDup(objPtrOf(e)), ENC_QUICKLIST); }

export function registerListValue(): void {
  registerValueType(TYPE_LIST, listFree, listFootprint, listDup);
}
