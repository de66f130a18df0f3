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

// ---- memory (db/evict.ts, dispatch.ts) ---------------------------------------------
export const E_OOM = "OOM command not allowed when used memory > 'maxmemory'.";
// Not Redis's: the wasm32 engine's own limit (db/memstats.ts, the heap ceiling).
export const E_OOM_HEAP = "OOM command not allowed when used memory is near the engine's 4 GiB address space limit (wasm32); set maxmemory below it.";

// ---- list (commands/list.ts) -----------------------------------------------------
// Also used there: E_SYNTAX, E_WRONGTYPE, E_NO_SUCH_KEY (LSET), E_OUT_OF_RANGE (LSET).
// getPositiveLongFromObjectOrReply's default (LPOP/RPOP count).
export const E_LIST_POSITIVE = "ERR value is out of range, must be positive";
export const E_LIST_RANK_ZERO = "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list";
export const E_LIST_COUNT_NEGATIVE = "ERR COUNT can't be negative";
export const E_LIST_MAXLEN_NEGATIVE = "ERR MAXLEN can't be negative";
export const E_LIST_NUMKEYS = "ERR numkeys should be greater than 0";
export const E_LIST_MPOP_COUNT = "ERR count should be greater than 0";

// ---- hash (commands/hash.ts) -----------------------------------------------------
// Also used there: E_WRONGTYPE, E_SYNTAX, E_NOT_INTEGER, E_NOT_FLOAT, E_OVERFLOW,
// E_INCR_NAN, E_INVALID_CURSOR (above).
export const E_HASH_NOT_INTEGER = "ERR hash value is not an integer";
export const E_HASH_NOT_FLOAT = "ERR hash value is not a float";
// HINCRBYFLOAT with an infinite increment.
export const E_HASH_INCR_NAN_INF = "ERR value is NaN or Infinity";
// HRANDFIELD: a count outside [-LONG_MAX, LONG_MAX], or one whose doubled
// length (WITHVALUES) would overflow.
export const E_HRANDFIELD_COUNT_RANGE = "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807";
export const E_HRANDFIELD_WITHVALUES_RANGE = "ERR value is out of range";

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
// Also used there: E_SYNTAX, E_WRONGTYPE, E_NOT_FLOAT, E_INVALID_CURSOR (above).
export const E_ZSET_MINMAX_FLOAT = "ERR min or max is not a float";
export const E_ZSET_MINMAX_LEX = "ERR min or max not valid string range item";
export const E_ZSET_NAN = "ERR resulting score is not a number (NaN)";
export const E_ZADD_XX_NX = "ERR XX and NX options at the same time are not compatible";
export const E_ZADD_GT_LT_NX = "ERR GT, LT, and/or NX options at the same time are not compatible";
export const E_ZADD_INCR_PAIR = "ERR INCR option supports a single increment-element pair";
export const E_ZSET_WEIGHT = "ERR weight value is not a float";
export const E_ZSET_LIMIT_NEGATIVE = "ERR LIMIT can't be negative";
export const E_ZSET_NUMKEYS = "ERR numkeys should be greater than 0";
export const E_ZSET_COUNT = "ERR count should be greater than 0";
export const E_ZSET_LIMIT_RANK = "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX";
export const E_ZSET_WITHSCORES_BYLEX = "ERR syntax error, WITHSCORES not supported in combination with BYLEX";
export const E_ZSET_POSITIVE = "ERR value is out of range, must be positive";
export const E_ZSET_RANDMEMBER_RANGE = "ERR value is out of range";
export const E_ZSET_RANDMEMBER_LONG = "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807";
// Followed by the command's name: built by replacing %s.
export const E_ZSET_NEED_KEY = "ERR at least 1 input key is needed for '%s' command";

// ---- sort (commands/sort.ts) -----------------------------------------------------

// ---- pub/sub (subscriber mode: commands/dispatch.ts; the commands are the host's) --
// A RESP2 subscriber runs anything else: the text wraps the command's full
// name ("get", "client|info").
export const E_PUBSUB_CONTEXT_BEFORE = "ERR Can't execute '";
// Redis's execCommandAbort: a refused EXEC says so, and why.
export const E_PUBSUB_CONTEXT_BEFORE_EXEC = "EXECABORT Transaction discarded because of: Can't execute '";
export const E_PUBSUB_CONTEXT_AFTER = "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context";

// ---- scripting (dispatch.ts while a script is busy; the rest is host-side) -------
// Redis's shared.slowevalerr / shared.slowscripterr: other clients' commands
// while a script runs past busy-reply-threshold.
export const E_BUSY_EVAL = "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.";
export const E_BUSY_FUNCTION = "BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.";

// ---- hyperloglog (commands/hll.ts) ----------------------------------------------
export const E_HLL_INVALID = "WRONGTYPE Key is not a valid HyperLogLog string value.";
export const E_HLL_CORRUPT = "INVALIDOBJ Corrupted HLL object detected";
export const E_HLL_NO_KEY = "ERR The specified key does not exist";
export const E_HLL_NOT_SPARSE = "ERR HLL encoding is not sparse";

// ---- geo (commands/geo.ts) ----------------------------------------------------------
export const E_GEO_UNIT = "ERR unsupported unit provided. please use M, KM, FT, MI";
export const E_GEO_NEED_RADIUS = "ERR need numeric radius";
export const E_GEO_NEED_WIDTH = "ERR need numeric width";
export const E_GEO_NEED_HEIGHT = "ERR need numeric height";
export const E_GEO_RADIUS_NEGATIVE = "ERR radius cannot be negative";
export const E_GEO_BOX_NEGATIVE = "ERR height or width cannot be negative";
export const E_GEO_NO_MEMBER = "ERR could not decode requested zset member";
export const E_GEO_COUNT = "ERR COUNT must be > 0";
export const E_GEO_ANY_COUNT = "ERR the ANY argument requires COUNT argument";
export const E_GEO_STORE_WITH = "ERR STORE option in GEORADIUS is not compatible with WITHDIST, WITHHASH and WITHCOORD options";
export const E_GEOSEARCHSTORE_WITH = "ERR GEOSEARCHSTORE is not compatible with WITHDIST, WITHHASH and WITHCOORD options";
// Followed by the command name as the client typed it.
export const E_GEO_FROM_PREFIX = "ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for ";
export const E_GEO_BY_PREFIX = "ERR exactly one of BYRADIUS and BYBOX can be specified for ";

// ---- persistence
export const E_BUSYKEY = "BUSYKEY Target key name already exists.";
export const E_RESTORE_TTL = "ERR Invalid TTL value, must be >= 0";
export const E_RESTORE_IDLETIME = "ERR Invalid IDLETIME value, must be >= 0";
export const E_RESTORE_FREQ = "ERR Invalid FREQ value, must be >= 0 and <= 255";
export const E_DUMP_PAYLOAD = "ERR DUMP payload version or checksum are wrong";
export const E_BAD_DATA_FORMAT = "ERR Bad data format";

// ---- stream (commands/stream.ts) --------------------------------------------------
// Also used there: E_SYNTAX, E_WRONGTYPE, E_NOT_INTEGER.
export const E_STREAM_ID_INVALID = "ERR Invalid stream ID specified as stream command argument";
export const E_XADD_ID_ZERO = "ERR The ID specified in XADD must be greater than 0-0";
export const E_XADD_ID_SMALL = "ERR The ID specified in XADD is equal or smaller than the target stream top item";
export const E_XADD_EXHAUSTED = "ERR The stream has exhausted the last possible ID, unable to add more items";
export const E_STREAM_MAXLEN_NEG = "ERR The MAXLEN argument must be >= 0.";
export const E_STREAM_LIMIT_NEG = "ERR The LIMIT argument must be >= 0.";
export const E_STREAM_MAXLEN_MINID = "ERR syntax error, MAXLEN and MINID options at the same time are not compatible";
export const E_STREAM_LIMIT_NO_STRATEGY = "ERR syntax error, LIMIT cannot be used without specifying a trimming strategy";
export const E_STREAM_LIMIT_NO_APPROX = "ERR syntax error, LIMIT cannot be used without the special ~ option";
export const E_XTRIM_NO_STRATEGY = "ERR syntax error, XTRIM must be called with a trimming strategy";
export const E_STREAM_START_INTERVAL = "ERR invalid start ID for the interval";
export const E_STREAM_END_INTERVAL = "ERR invalid end ID for the interval";
export const E_XADD_TOO_LARGE = "ERR Elements are too large to be stored";
export const E_XREAD_UNBALANCED = "ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified.";
export const E_XREAD_GT_ID = "ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.";
export const E_XSETID_ENTRIES_NEG = "ERR entries_added must be positive";
export const E_XSETID_SMALLER_MAXDEL_ARG = "ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id";
export const E_XSETID_SMALLER_TOP = "ERR The ID specified in XSETID is smaller than the target stream top item";
export const E_XSETID_ENTRIES_SMALL = "ERR The entries_added specified in XSETID is smaller than the target stream length";

// ---- stream consumer groups (commands/xgroup.ts) ----------------------------------------
// Also used there: E_SYNTAX, E_WRONGTYPE, E_NOT_INTEGER, E_NO_SUCH_KEY, E_STREAM_*.
export const E_XGROUP_NO_KEY = "ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.";
export const E_BUSYGROUP = "BUSYGROUP Consumer Group name already exists";
export const E_ENTRIESREAD_NEG = "ERR value for ENTRIESREAD must be positive or -1";
export const E_XREADGROUP_DOLLAR = "ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set.";
export const E_XREADGROUP_NO_GROUP = "ERR Missing GROUP option for XREADGROUP";
export const E_XREAD_GROUP_OPT = "ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.";
export const E_XREAD_NOACK_OPT = "ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.";
export const E_XCLAIM_MINIDLE = "ERR Invalid min-idle-time argument for XCLAIM";
export const E_XCLAIM_IDLE = "ERR Invalid IDLE option argument for XCLAIM";
export const E_XCLAIM_TIME = "ERR Invalid TIME option argument for XCLAIM";
export const E_XCLAIM_RETRYCOUNT = "ERR Invalid RETRYCOUNT option argument for XCLAIM";
export const E_XAUTOCLAIM_MINIDLE = "ERR Invalid min-idle-time argument for XAUTOCLAIM";
export const E_XAUTOCLAIM_COUNT = "ERR COUNT must be > 0";
export const E_XAUTOCLAIM_MEMORY = "ERR Insufficient memory, failed allocating transient memory, COUNT too high.";
export const E_XREADGROUP_KEY_GONE = "UNBLOCKED the stream key no longer exists";
export const E_XREADGROUP_GROUP_GONE = "NOGROUP the consumer group this client was blocked on no longer exists";
