// Test-only view of a list key's quicklist (test/engine/list.test.ts, the
// differential test's node counts against DEBUG OBJECT's ql_nodes).

import { hostArg } from "./api";
import { getDb, dbFindRaw } from "./db/db";
import { typeOf, objPtrOf, TYPE_LIST } from "./db/entry";
import { qlValidate } from "./ds/quicklist";

/**
 * The quicklist node count of the list whose `keyLen` key bytes are at
 * hostArg() in `db` after checking its invariants: -1 if they are broken,
 * -2 if there is no such list.
 */
export function dsListNodes(db: i32, keyLen: u32): i32 {
  const e = dbFindRaw(getDb(db), hostArg(keyLen), <usize>keyLen);
  if (e == 0 || typeOf(e) != TYPE_LIST) return -2;
  return qlValidate(objPtrOf(e));
}
