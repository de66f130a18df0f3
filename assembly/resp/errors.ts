// Every error text the engine replies with, word for word as Redis 7.0 sends
// them (clients match on these). Texts are written after a '-' and before
// CRLF; the first word is the error code counted in INFO errorstats.
// Texts with a placeholder are built by the helpers in resp/writer.ts.

export const E_SYNTAX = "ERR syntax error";
export const E_WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";
export const E_NOT_INTEGER = "ERR value is not an integer or out of range";
export const E_NOT_FLOAT = "ERR value is not a valid float";
export const E_OVERFLOW = "ERR increment or decrement would overflow";
export const E_INCR_NAN = "ERR increment would produce NaN or Infinity";
export const E_NO_SUCH_KEY = "ERR no such key";
export const E_OUT_OF_RANGE = "ERR index out of range";
export const E_DB_INDEX = "ERR DB index is out of range";
export const E_INVALID_DB = "ERR invalid DB index";
export const E_SAME_OBJECT = "ERR source and destination objects are the same";
export const E_INVALID_EXPIRE = "ERR invalid expire time in '%s' command";
export const E_STRING_TOO_LONG = "ERR string exceeds maximum allowed size (proto-max-bulk-len)";
export const E_BIT_OFFSET = "ERR bit offset is not an integer or out of range";
export const E_BIT_VALUE = "ERR bit is not an integer or out of range";
export const E_BITFIELD_TYPE = "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.";
export const E_BITFIELD_RO = "ERR BITFIELD_RO only supports the GET subcommand";
export const E_BITOP_NOT = "ERR BITOP NOT must be called with a single source key.";
export const E_INVALID_CURSOR = "ERR invalid cursor";
export const E_NOAUTH = "NOAUTH Authentication required.";
export const E_MONITOR_KEYSPACE = "ERR Replica can't interact with the keyspace";
export const E_EXPIRE_NX_XX_GT_LT = "ERR NX and XX, GT or LT options at the same time are not compatible";
export const E_EXPIRE_GT_LT = "ERR GT and LT options at the same time are not compatible";
export const E_LCS_LEN_IDX = "ERR If you want both the length and indexes, please just use IDX.";
export const E_GETEX_PERSIST = "ERR syntax error";
export const E_LFU_NOT_SELECTED = "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.";
export const E_LFU_SELECTED = "ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.";
export const E_TIMEOUT_NEGATIVE = "ERR timeout is negative";
export const E_COUNT_RANGE = "ERR COUNT must be > 0";
export const E_MOVE_SAME_DB = "ERR source and destination objects are the same";
export const E_SWAPDB_FIRST = "ERR invalid first DB index";
export const E_SWAPDB_SECOND = "ERR invalid second DB index";

// Protocol errors: the connection is closed after these.
export const EP_INVALID_MULTIBULK = "ERR Protocol error: invalid multibulk length";
export const EP_INVALID_BULK = "ERR Protocol error: invalid bulk length";
export const EP_UNAUTH_MULTIBULK = "ERR Protocol error: unauthenticated multibulk length";
export const EP_UNAUTH_BULK = "ERR Protocol error: unauthenticated bulk length";
export const EP_BIG_MBULK = "ERR Protocol error: too big mbulk count string";
export const EP_BIG_BULK = "ERR Protocol error: too big bulk count string";
export const EP_BIG_INLINE = "ERR Protocol error: too big inline request";
export const EP_UNBALANCED = "ERR Protocol error: unbalanced quotes in request";
// "expected '$', got '%c'" is built in resp/reader.ts.

// ---- string family (commands/string.ts) ----------------------------------------
export const E_INVALID_EXPIRE_SET = "ERR invalid expire time in 'set' command";
export const E_INVALID_EXPIRE_SETEX = "ERR invalid expire time in 'setex' command";
export const E_INVALID_EXPIRE_PSETEX = "ERR invalid expire time in 'psetex' command";
export const E_INVALID_EXPIRE_GETEX = "ERR invalid expire time in 'getex' command";
export const E_OFFSET_RANGE = "ERR offset is out of range";
export const E_DECR_OVERFLOW = "ERR decrement would overflow";
export const E_LCS_NOT_STRINGS = "ERR The specified keys must contain string values";
export const E_LCS_TOO_LONG = "ERR String too long for LCS";
export const E_LCS_OVER_BULK_LEN = "ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len";
export const E_LCS_ALLOC = "ERR Insufficient memory, failed allocating transient memory for LCS";

// ---- keys (assembly/commands/keys.ts) ------------------------------------------
// Also used there: E_SYNTAX, E_NOT_INTEGER, E_NO_SUCH_KEY, E_DB_INDEX,
// E_SAME_OBJECT, E_INVALID_EXPIRE, E_INVALID_CURSOR, E_EXPIRE_NX_XX_GT_LT,
// E_EXPIRE_GT_LT, E_LFU_NOT_SELECTED, E_LFU_SELECTED (above).
// getIntFromObjectOrReply's range error (MOVE / COPY DB index).
export const E_INT_RANGE = "ERR value is out of range, value must between -2147483648 and 2147483647";
// EXPIRE family: followed by the option as given.
export const E_UNSUPPORTED_OPTION = "ERR Unsupported option ";

// ---- bitmap (commands/bitmap.ts) ---------------------------------------------
// E_BIT_OFFSET, E_BIT_VALUE, E_BITFIELD_TYPE, E_BITFIELD_RO and E_BITOP_NOT
// are above.
export const E_BITPOS_BIT = "ERR The bit argument must be 1 or 0.";
export const E_BITFIELD_OVERFLOW = "ERR Invalid OVERFLOW type specified";

// ---- blocking commands (commands/blocking.ts) ----------------------------------
export const E_TIMEOUT_NOT_FLOAT = "ERR timeout is not a float or out of range";
export const E_TIMEOUT_RANGE = "ERR timeout is out of range";
export const E_UNBLOCKED = "UNBLOCKED client unblocked via CLIENT UNBLOCK";

// ---- transactions (commands/multi.ts, dispatch.ts) ------------------------------
export const E_MULTI_NESTED = "ERR MULTI calls can not be nested";
export const E_EXEC_WITHOUT_MULTI = "ERR EXEC without MULTI";
export const E_DISCARD_WITHOUT_MULTI = "ERR DISCARD without MULTI";
export const E_WATCH_IN_MULTI = "ERR WATCH inside MULTI is not allowed";
export const E_EXECABORT = "EXECABORT Transaction discarded because of previous errors.";
export const E_NO_MULTI = "ERR Command not allowed inside a transaction";

// ---- list (commands/list.ts) -----------------------------------------------------

// ---- hash (commands/hash.ts) -----------------------------------------------------

// ---- set (commands/set.ts) -------------------------------------------------------
// Also used there: E_SYNTAX, E_WRONGTYPE, E_NOT_INTEGER, E_INVALID_CURSOR (above).
// SPOP's count (getPositiveLongFromObjectOrReply: non-integers too).
export const E_SET_COUNT_POSITIVE = "ERR value is out of range, must be positive";
// SRANDMEMBER's count is limited to -LONG_MAX..LONG_MAX so that negating it cannot overflow.
export const E_SET_RANDMEMBER_RANGE = "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807";
export const E_SET_NUMKEYS = "ERR numkeys should be greater than 0";
export const E_SET_NUMKEYS_ARGS = "ERR Number of keys can't be greater than number of args";
export const E_SET_LIMIT_NEGATIVE = "ERR LIMIT can't be negative";

// ---- sorted set (commands/zset.ts) -----------------------------------------------

// ---- sort (commands/sort.ts) -----------------------------------------------------

// ---- scripting (dispatch.ts while a script is busy; the rest is host-side) -------
// Redis's shared.slowevalerr / shared.slowscripterr: other clients' commands
// while a script runs past busy-reply-threshold.
export const E_BUSY_EVAL = "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.";
export const E_BUSY_FUNCTION = "BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.";
