// The MEMORY subcommand the engine runs itself: USAGE. The others (STATS,
// DOCTOR, MALLOC-STATS, PURGE, HELP and Vermilion's PREFIXES) are host
// commands (src/host/cmd-memory.ts) built on the figures of db/memstats.ts.

import { register as reg } from "./dispatch";
import { CMD_MEMORY_USAGE } from "./table.gen";
import { curDb, argIs, parseLongOrReply, argInt } from "./context";
import { argPtr, argLen, curArgc } from "../client";
import { replyInt, replyNull, replyError } from "../resp/writer";
import { E_SYNTAX } from "../resp/errors";
import { dbFindRaw, entryMemory } from "../db/db";

// MEMORY USAGE key [SAMPLES count] — integer: the bytes the key owns (its
// entry, with the key, TTL and any inline value, plus every block of its
// value), or null when the key does not exist. The count is exact, so
// SAMPLES only goes through Redis's argument checks (0 meaning "all" is
// what the engine always does). Like Redis 7.0 the key is found without
// expiring it, touching its LRU/LFU bits or counting a keyspace hit.
// O(blocks of the value).
function cmdMemoryUsage(): void {
  for (let j = 3; j < curArgc; j++) {
    if (argIs(j, "SAMPLES") && j + 1 < curArgc) {
      if (!parseLongOrReply(j + 1)) return;
      if (argInt < 0) {
        replyError(E_SYNTAX);
        return;
      }
      j++;
    } else {
      replyError(E_SYNTAX);
      return;
    }
  }
  const e = dbFindRaw(curDb(), argPtr(2), argLen(2));
  if (e == 0) {
    replyNull();
    return;
  }
  replyInt(<i64>entryMemory(e));
}

export function register(): void {
  reg(CMD_MEMORY_USAGE, cmdMemoryUsage);
}
