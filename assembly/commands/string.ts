// String commands. (Being completed: GET and SET for now.)

import { register as reg } from "./dispatch";
import { CMD_GET, CMD_SET } from "./table.gen";
import { curDb } from "./context";
import { argPtr, argLen } from "../client";
import { replyBulk, replyNull, replyError, replyOk } from "../resp/writer";
import { E_WRONGTYPE } from "../resp/errors";
import { dbLookupRead, dbLookup } from "../db/db";
import { typeOf, TYPE_STRING } from "../db/entry";
import { loadString, valPtr, valLen, storeString, ENCODE_AUTO } from "../db/strval";

// GET key — bulk string or nil. O(1).
function cmdGet(): void {
  const e = dbLookupRead(curDb(), argPtr(1), argLen(1));
  if (e == 0) { replyNull(); return; }
  if (typeOf(e) != TYPE_STRING) { replyError(E_WRONGTYPE); return; }
  loadString(e);
  replyBulk(valPtr, valLen);
}

// SET key value — OK. O(1).
function cmdSet(): void {
  const db = curDb();
  const old = dbLookup(db, argPtr(1), argLen(1));
  storeString(db, old, argPtr(1), argLen(1), argPtr(2), argLen(2), ENCODE_AUTO, -1, false);
  replyOk();
}

export function register(): void {
  reg(CMD_GET, cmdGet);
  reg(CMD_SET, cmdSet);
}
