// Geo commands: GEOADD GEODIST GEOHASH GEOPOS GEORADIUS GEORADIUS_RO
// GEORADIUSBYMEMBER GEORADIUSBYMEMBER_RO GEOSEARCH GEOSEARCHSTORE.
//
// Points live in sorted sets (TYPE zset) whose scores are Redis's 52-bit
// geohashes: latitude (-85.05112878..85.05112878) and longitude (-180..180)
// each cut into 2^26 steps, interleaved with latitude on the even bits. A
// score decodes to the centre of its cell, so GEOPOS answers the cell centre,
// not the coordinates given. Replies are formatted as Redis does: GEOPOS with
// %.17Lf (trailing zeros trimmed), GEODIST with %.4f, both from the exact
// binary value of the double (see formatFixed).

import { register as reg } from "./dispatch";
import {
  CMD_GEOADD, CMD_GEODIST, CMD_GEOHASH, CMD_GEOPOS, CMD_GEORADIUS, CMD_GEORADIUS_RO, CMD_GEORADIUSBYMEMBER,
  CMD_GEORADIUSBYMEMBER_RO, CMD_GEOSEARCH, CMD_GEOSEARCHSTORE,
} from "./table.gen";
import { curDb, argIs, parseLongOrReply, argInt, roomFor } from "./context";
import { argPtr, argLen, curArgc } from "../client";
import {
  replyError, replyErrorBytes, replyInt, replyArray, replyNull, replyNullArray, replyBulk, proto,
  writeBytes,
} from "../resp/writer";
import {
  E_WRONGTYPE, E_SYNTAX, E_NOT_FLOAT, E_GEO_UNIT, E_GEO_NEED_RADIUS, E_GEO_NEED_WIDTH, E_GEO_NEED_HEIGHT,
  E_GEO_RADIUS_NEGATIVE, E_GEO_BOX_NEGATIVE, E_GEO_NO_MEMBER, E_GEO_COUNT, E_GEO_ANY_COUNT, E_GEO_STORE_WITH,
  E_GEOSEARCHSTORE_WITH, E_GEO_FROM_PREFIX, E_GEO_BY_PREFIX,
} from "../resp/errors";
import { Db, dbLookup, dbLookupRead, dbDelete, addDirty } from "../db/db";
import { keyChanged, NOTIFY_ZSET, NOTIFY_GENERIC } from "../db/notify";
import { signalKeyAsReady } from "../db/ready";
import { typeOf, keyPtrOf, keyLenOf, TYPE_ZSET } from "../db/entry";
import {
  zsetCreateKey, zsetAdd, zsetScore, zScoreFound, ZADD_IN_NX, ZADD_IN_XX, ZADD_OUT_ADDED, ZADD_OUT_UPDATED,
  zFirstInRange, zNext, zScoreAt, zMemberAt, zmPtr, zmLen, zbuildNew, zbuildInsert, zbuildFinish, zbuildEnc,
  zsetStoreKey,
} from "../db/zsetval";
import { setScoreRange, lteMax } from "../ds/skiplist";
import { zsetMaxListpackEntries, zsetMaxListpackValue } from "../db/limits";
import { parseDouble, dblValue } from "../util/double";
import { crSin, crCos, crAsin } from "../util/crmath";
import { propEnabled, rewriteBegin, opArg, opArgAscii, opArgInt, opEnd } from "../db/propagate";

const GEO_LONG_MIN: f64 = -180;
const GEO_LONG_MAX: f64 = 180;
const GEO_LAT_MIN: f64 = -85.05112878;
const GEO_LAT_MAX: f64 = 85.05112878;
const GEO_STEP: i32 = 26;
const EARTH_RADIUS_IN_METERS: f64 = 6372797.560856;
const D_R: f64 = Math.PI / 180.0;

// ---- geohash -------------------------------------------------------------------------

/** Spreads the low 32 bits of x to the even bits of a u64. */
function spread(v: u64): u64 {
  let x = v & 0xFFFFFFFF;
  x = (x | (x << 16)) & 0x0000FFFF0000FFFF;
  x = (x | (x << 8)) & 0x00FF00FF00FF00FF;
  x = (x | (x << 4)) & 0x0F0F0F0F0F0F0F0F;
  x = (x | (x << 2)) & 0x3333333333333333;
  x = (x | (x << 1)) & 0x5555555555555555;
  return x;
}

/** Gathers the even bits of a u64 into 32 bits. */
function squash(v: u64): u64 {
  let x = v & 0x5555555555555555;
  x = (x | (x >> 1)) & 0x3333333333333333;
  x = (x | (x >> 2)) & 0x0F0F0F0F0F0F0F0F;
  x = (x | (x >> 4)) & 0x00FF00FF00FF00FF;
  x = (x | (x >> 8)) & 0x0000FFFF0000FFFF;
  x = (x | (x >> 16)) & 0x00000000FFFFFFFF;
  return x;
}

/** geohashEncode over the given ranges at 26 steps (the point is in range). */
function encode(lon: f64, lat: f64, latMin: f64, latMax: f64): u64 {
  let latOff = (lat - latMin) / (latMax - latMin);
  let lonOff = (lon - GEO_LONG_MIN) / (GEO_LONG_MAX - GEO_LONG_MIN);
  latOff *= <f64>(<u64>1 << GEO_STEP);
  lonOff *= <f64>(<u64>1 << GEO_STEP);
  return spread(<u64><u32>latOff) | (spread(<u64><u32>lonOff) << 1);
}

/** The double-to-uint64_t cast as x86-64 performs it (a score may be anything). */
function scoreBits(s: f64): u64 {
  if (isNaN(s)) return 0x8000000000000000;
  if (s < 9223372036854775808.0) {
    if (s <= -9223372036854775808.0) return 0x8000000000000000;
    return <u64><i64>s;
  }
  if (s >= 18446744073709551616.0) return 0;
  return <u64><i64>(s - 9223372036854775808.0) ^ 0x8000000000000000;
}

let decLon: f64 = 0;
let decLat: f64 = 0;

/** A score's cell centre into decLon/decLat, clamped to the valid ranges. */
function decode(score: f64): void {
  const bits = scoreBits(score);
  const ilat = <u32>squash(bits);
  const ilon = <u32>squash(bits >> 1);
  const scale = <f64>(<u64>1 << GEO_STEP);
  const latScale = GEO_LAT_MAX - GEO_LAT_MIN;
  const lonScale = GEO_LONG_MAX - GEO_LONG_MIN;
  const latMin = GEO_LAT_MIN + (<f64>ilat * 1.0 / scale) * latScale;
  const latMax = GEO_LAT_MIN + (<f64>(ilat + 1) * 1.0 / scale) * latScale;
  const lonMin = GEO_LONG_MIN + (<f64>ilon * 1.0 / scale) * lonScale;
  const lonMax = GEO_LONG_MIN + (<f64>(ilon + 1) * 1.0 / scale) * lonScale;
  let x = (lonMin + lonMax) / 2;
  if (x > GEO_LONG_MAX) x = GEO_LONG_MAX;
  if (x < GEO_LONG_MIN) x = GEO_LONG_MIN;
  let y = (latMin + latMax) / 2;
  if (y > GEO_LAT_MAX) y = GEO_LAT_MAX;
  if (y < GEO_LAT_MIN) y = GEO_LAT_MIN;
  decLon = x;
  decLat = y;
}

/**
 * Redis's geohashGetDistance (haversine on its earth radius), with sin, cos
 * and asin rounded as glibc's (util/crmath.ts) so distances carry Redis's
 * last digits. `cos1` and `cos2` are cos(lat1) and cos(lat2) in radians
 * when the caller already has them (a search reuses its centre's), else NaN.
 */
export function geoDistanceCos(lon1: f64, lat1: f64, cos1: f64, lon2: f64, lat2: f64, cos2: f64): f64 {
  const lon1r = lon1 * D_R;
  const lon2r = lon2 * D_R;
  const v = crSin((lon2r - lon1r) / 2);
  if (v == 0.0) return EARTH_RADIUS_IN_METERS * Math.abs(lat2 * D_R - lat1 * D_R);
  const lat1r = lat1 * D_R;
  const lat2r = lat2 * D_R;
  const u = crSin((lat2r - lat1r) / 2);
  const c1 = isNaN(cos1) ? crCos(lat1r) : cos1;
  const c2 = isNaN(cos2) ? crCos(lat2r) : cos2;
  const a = u * u + c1 * c2 * v * v;
  return 2.0 * EARTH_RADIUS_IN_METERS * crAsin(Math.sqrt(a));
}

export function geoDistance(lon1: f64, lat1: f64, lon2: f64, lat2: f64): f64 {
  return geoDistanceCos(lon1, lat1, NaN, lon2, lat2, NaN);
}

// ---- exact fixed-point formatting (printf %.Nf) ------------------------------------

const LIMBS: i32 = 48;
const BIG = memory.data(LIMBS * 4);
let bigLen: i32 = 0;
const FMT = memory.data(512);
const DIG = memory.data(400);

function bigMulSmall(m: u32): void {
  let carry: u64 = 0;
  for (let i = 0; i < bigLen; i++) {
    const a = BIG + (<usize>i << 2);
    const t = <u64>load<u32>(a) * <u64>m + carry;
    store<u32>(a, <u32>t);
    carry = t >> 32;
  }
  if (carry != 0) { store<u32>(BIG + (<usize>bigLen << 2), <u32>carry); bigLen++; }
}

function bigShl(n: i32): void {
  const words = n >> 5;
  const bits = n & 31;
  if (bits != 0) {
    let carry: u32 = 0;
    for (let i = 0; i < bigLen; i++) {
      const a = BIG + (<usize>i << 2);
      const v = load<u32>(a);
      store<u32>(a, (v << bits) | carry);
      carry = v >> (32 - bits);
    }
    if (carry != 0) { store<u32>(BIG + (<usize>bigLen << 2), carry); bigLen++; }
  }
  if (words != 0) {
    for (let i = bigLen - 1; i >= 0; i--) store<u32>(BIG + (<usize>(i + words) << 2), load<u32>(BIG + (<usize>i << 2)));
    for (let i = 0; i < words; i++) store<u32>(BIG + (<usize>i << 2), 0);
    bigLen += words;
  }
}

function bitAt(n: i32): u32 {
  const w = n >> 5;
  if (w >= bigLen) return 0;
  return (load<u32>(BIG + (<usize>w << 2)) >> <u32>(n & 31)) & 1;
}

/** Shifts right by n bits, rounding half to even on the bits shifted out. */
function bigShrRound(n: i32): void {
  const half = bitAt(n - 1);
  let sticky = false;
  for (let i = 0; i < n - 1 && !sticky; i++) if (bitAt(i) != 0) sticky = true;
  const words = n >> 5;
  const bits = n & 31;
  let len = bigLen - words;
  if (len <= 0) { bigLen = 1; store<u32>(BIG, 0); }
  else {
    for (let i = 0; i < len; i++) {
      const lo = load<u32>(BIG + (<usize>(i + words) << 2));
      const hi: u32 = i + words + 1 < bigLen ? load<u32>(BIG + (<usize>(i + words + 1) << 2)) : 0;
      store<u32>(BIG + (<usize>i << 2), bits == 0 ? lo : (lo >> bits) | (hi << (32 - bits)));
    }
    bigLen = len;
  }
  if (half != 0 && (sticky || (load<u32>(BIG) & 1) != 0)) {
    let i = 0;
    while (i < bigLen) {
      const a = BIG + (<usize>i << 2);
      const v = load<u32>(a) + 1;
      store<u32>(a, v);
      if (v != 0) break;
      i++;
    }
    if (i == bigLen) { store<u32>(BIG + (<usize>bigLen << 2), 1); bigLen++; }
  }
  while (bigLen > 1 && load<u32>(BIG + (<usize>(bigLen - 1) << 2)) == 0) bigLen--;
}

/** Divides by 10 in place; returns the remainder. */
function bigDiv10(): u32 {
  let rem: u64 = 0;
  for (let i = bigLen - 1; i >= 0; i--) {
    const a = BIG + (<usize>i << 2);
    const cur = (rem << 32) | <u64>load<u32>(a);
    store<u32>(a, <u32>(cur / 10));
    rem = cur % 10;
  }
  while (bigLen > 1 && load<u32>(BIG + (<usize>(bigLen - 1) << 2)) == 0) bigLen--;
  return <u32>rem;
}

// 10^0 .. 10^17.
const POW10 = memory.data<u64>([
  1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000, 10000000000,
  100000000000, 1000000000000, 10000000000000, 100000000000000, 1000000000000000,
  10000000000000000, 100000000000000000,
]);

/**
 * formatFixed for what the replies print (coordinates with 17 decimals,
 * distances with 4): x * 10^decimals rounded half to even fits a u64, so
 * mantissa * 10^decimals in 128 bits shifted right does it without the
 * big-number loop. Returns -1 when it does not apply.
 */
function formatFixedFast(x: f64, decimals: i32): i32 {
  if (decimals > 17) return -1;
  const bits = reinterpret<u64>(x);
  const exp = <i32>((bits >> 52) & 0x7ff);
  if (exp == 0x7ff) return -1;
  let mant = bits & 0xFFFFFFFFFFFFF;
  let e: i32;
  if (exp == 0) e = -1074;
  else { mant |= <u64>1 << 52; e = exp - 1075; }
  if (e >= 0) return -1;
  const s = -e;
  const p10 = load<u64>(POW10 + (<usize>decimals << 3));
  // mant * p10 as hi:lo (mant < 2^53, p10 < 2^57).
  const a0 = mant & 0xFFFFFFFF, a1 = mant >> 32;
  const b0 = p10 & 0xFFFFFFFF, b1 = p10 >> 32;
  const m0 = a0 * b0, m1 = a1 * b0, m2 = a0 * b1;
  const t = (m0 >> 32) + (m1 & 0xFFFFFFFF) + (m2 & 0xFFFFFFFF);
  const lo = (m0 & 0xFFFFFFFF) | (t << 32);
  const hi = a1 * b1 + (m1 >> 32) + (m2 >> 32) + (t >> 32);
  let q: u64;
  let cmp: i32; // the remainder against half the divisor: -1, 0, 1
  if (s < 64) {
    if ((hi >> <u64>s) != 0) return -1;
    q = (hi << <u64>(64 - s)) | (lo >> <u64>s);
    const r = lo & ((<u64>1 << <u64>s) - 1);
    const half = <u64>1 << <u64>(s - 1);
    cmp = r > half ? 1 : r == half ? 0 : -1;
  } else if (s == 64) {
    q = hi;
    cmp = lo > 0x8000000000000000 ? 1 : lo == 0x8000000000000000 ? 0 : -1;
  } else if (s < 128) {
    q = hi >> <u64>(s - 64);
    const rh = hi & ((<u64>1 << <u64>(s - 64)) - 1);
    const hh = <u64>1 << <u64>(s - 65);
    cmp = rh > hh ? 1 : rh < hh ? -1 : lo > 0 ? 1 : 0;
  } else {
    q = 0;
    cmp = -1;
  }
  if (cmp > 0 || (cmp == 0 && (q & 1) != 0)) {
    q++;
    if (q == 0) return -1;
  }
  let o = 0;
  if ((bits >> 63) != 0) store<u8>(FMT + <usize>(o++), 45);
  const ip = q / p10;
  let fp = q % p10;
  let nd = 0;
  let v = ip;
  do { store<u8>(DIG + <usize>(nd++), <u8>(48 + v % 10)); v /= 10; } while (v != 0);
  for (let i = nd - 1; i >= 0; i--) store<u8>(FMT + <usize>(o++), load<u8>(DIG + <usize>i));
  if (decimals > 0) {
    store<u8>(FMT + <usize>(o++), 46);
    for (let i = decimals - 1; i >= 0; i--) {
      store<u8>(FMT + <usize>(o + i), <u8>(48 + fp % 10));
      fp /= 10;
    }
    o += decimals;
  }
  return o;
}

/**
 * printf("%.<decimals>f", x) into FMT, correctly rounded from x's exact
 * binary value as glibc does; returns the length. Finite x only.
 */
function formatFixed(x: f64, decimals: i32): i32 {
  const fast = formatFixedFast(x, decimals);
  if (fast >= 0) return fast;
  let o = 0;
  const bits = reinterpret<u64>(x);
  if ((bits >> 63) != 0) store<u8>(FMT + <usize>(o++), 45);
  const exp = <i32>((bits >> 52) & 0x7ff);
  let mant = bits & 0xFFFFFFFFFFFFF;
  let e: i32;
  if (exp == 0) e = -1074;
  else { mant |= <u64>1 << 52; e = exp - 1075; }
  store<u32>(BIG, <u32>mant);
  store<u32>(BIG, <u32>(mant >> 32), 4);
  bigLen = 2;
  for (let i = 0; i < decimals; i++) bigMulSmall(10);
  if (e >= 0) bigShl(e);
  else bigShrRound(-e);
  let nd = 0;
  do {
    store<u8>(DIG + <usize>(nd++), <u8>(48 + bigDiv10()));
  } while (bigLen > 1 || load<u32>(BIG) != 0);
  while (nd <= decimals) store<u8>(DIG + <usize>(nd++), 48);
  for (let i = nd - 1; i >= 0; i--) {
    if (i == decimals - 1) store<u8>(FMT + <usize>(o++), 46);
    store<u8>(FMT + <usize>(o++), load<u8>(DIG + <usize>i));
  }
  return o;
}

/** addReplyHumanLongDouble: %.17Lf, trailing zeros (and a bare dot) trimmed. */
function replyHuman(x: f64): void {
  let l = formatFixed(x, 17);
  while (load<u8>(FMT + <usize>(l - 1)) == 48) l--;
  if (load<u8>(FMT + <usize>(l - 1)) == 46) l--;
  if (l == 2 && load<u8>(FMT) == 45 && load<u8>(FMT, 1) == 48) { store<u8>(FMT, 48); l = 1; }
  if (proto == 2) {
    replyBulk(FMT, <usize>l);
  } else {
    writeBytes(COMMA, 1);
    writeBytes(FMT, <usize>l);
    writeBytes(CRLF, 2);
  }
}

const COMMA = memory.data<u8>([44]);
const CRLF = memory.data<u8>([13, 10]);

// ---- argument parsing -------------------------------------------------------------

let argLon: f64 = 0;
let argLat: f64 = 0;

/** extractLongLatOrReply: two floats within the geohash ranges. */
function parseLonLatOrReply(i: i32): bool {
  if (!parseDouble(argPtr(i), argLen(i))) { replyError(E_NOT_FLOAT); return false; }
  const lon = dblValue;
  if (!parseDouble(argPtr(i + 1), argLen(i + 1))) { replyError(E_NOT_FLOAT); return false; }
  const lat = dblValue;
  if (lon < GEO_LONG_MIN || lon > GEO_LONG_MAX || lat < GEO_LAT_MIN || lat > GEO_LAT_MAX) {
    replyLonLatError(lon, lat);
    return false;
  }
  argLon = lon;
  argLat = lat;
  return true;
}

const ERRBUF = memory.data(1400);

function putAscii(dst: usize, o: i32, s: string): i32 {
  for (let i = 0; i < s.length; i++) store<u8>(dst + <usize>(o + i), <u8>s.charCodeAt(i));
  return o + s.length;
}

function putFloat6(o: i32, v: f64): i32 {
  if (isNaN(v)) return putAscii(ERRBUF, o, "nan");
  if (!isFinite(v)) return putAscii(ERRBUF, o, v < 0 ? "-inf" : "inf");
  const l = formatFixed(v, 6);
  memory.copy(ERRBUF + <usize>o, FMT, <usize>l);
  return o + l;
}

function replyLonLatError(lon: f64, lat: f64): void {
  let o = putAscii(ERRBUF, 0, "ERR invalid longitude,latitude pair ");
  o = putFloat6(o, lon);
  o = putAscii(ERRBUF, o, ",");
  o = putFloat6(o, lat);
  replyErrorBytes(ERRBUF, <usize>o);
}

/** extractUnitOrReply: meters per unit, or -1 after replying. */
function parseUnitOrReply(i: i32): f64 {
  if (argIs(i, "M")) return 1;
  if (argIs(i, "KM")) return 1000;
  if (argIs(i, "FT")) return 0.3048;
  if (argIs(i, "MI")) return 1609.34;
  replyError(E_GEO_UNIT);
  return -1;
}

// ---- commands ------------------------------------------------------------------------

// GEOADD key [NX|XX] [CH] longitude latitude member [...] — integer, members
// added (CH: added or updated). Validates every point before writing any,
// then adds like ZADD (its keyspace event is "zadd", as in Redis). O(log N)
// per member.
function cmdGeoadd(): void {
  let nx = false, xx = false, ch = false;
  let i = 2;
  const argc = curArgc;
  while (i < argc) {
    if (argIs(i, "NX")) nx = true;
    else if (argIs(i, "XX")) xx = true;
    else if (argIs(i, "CH")) ch = true;
    else break;
    i++;
  }
  if ((argc - i) % 3 != 0 || (xx && nx) || argc == i) { replyError(E_SYNTAX); return; }
  const elements = (argc - i) / 3;
  for (let j = 0; j < elements; j++) {
    if (!parseLonLatOrReply(i + j * 3)) return;
  }
  const db = curDb();
  const keyPtr = argPtr(1), keyLen = argLen(1);
  let e = dbLookup(db, keyPtr, keyLen);
  if (e != 0 && typeOf(e) != TYPE_ZSET) { replyError(E_WRONGTYPE); return; }
  let created = false;
  if (e == 0) {
    if (xx) { replyInt(0); return; }
    const firstLen = <u64>argLen(i + 2);
    e = zsetCreateKey(db, keyPtr, keyLen, zsetMaxListpackEntries == 0 || zsetMaxListpackValue < firstLen);
    created = true;
  }
  const flags = (nx ? ZADD_IN_NX : 0) | (xx ? ZADD_IN_XX : 0);
  let added: i64 = 0, updated: i64 = 0;
  for (let j = 0; j < elements; j++) {
    const a = i + j * 3;
    parseDouble(argPtr(a), argLen(a));
    const lon = dblValue;
    parseDouble(argPtr(a + 1), argLen(a + 1));
    const lat = dblValue;
    const score = <f64>encode(lon, lat, GEO_LAT_MIN, GEO_LAT_MAX);
    const out = zsetAdd(e, score, argPtr(a + 2), argLen(a + 2), flags);
    if ((out & ZADD_OUT_ADDED) != 0) added++;
    if ((out & ZADD_OUT_UPDATED) != 0) updated++;
  }
  addDirty(<u64>(added + updated));
  if (!created && added > 0) signalKeyAsReady(db.index, keyPtrOf(e), keyLenOf(e));
  replyInt(ch ? added + updated : added);
  if (added + updated > 0) {
    keyChanged(db.index, keyPtr, keyLen, NOTIFY_ZSET, "zadd");
    propagateAsZadd(db.index, i, elements);
  }
}

/**
 * Redis runs GEOADD as the ZADD it builds ("zadd", the key and options as
 * given, then each geohash score and member), so that is what the AOF and
 * replicas receive.
 */
function propagateAsZadd(db: i32, first: i32, elements: i32): void {
  if (!propEnabled) return;
  rewriteBegin(db, first + elements * 2);
  opArgAscii("zadd");
  for (let j = 1; j < first; j++) opArg(argPtr(j), argLen(j));
  for (let j = 0; j < elements; j++) {
    const a = first + j * 3;
    parseDouble(argPtr(a), argLen(a));
    const lon = dblValue;
    parseDouble(argPtr(a + 1), argLen(a + 1));
    opArgInt(<i64>encode(lon, dblValue, GEO_LAT_MIN, GEO_LAT_MAX));
    opArg(argPtr(a + 2), argLen(a + 2));
  }
  opEnd();
}

// GEODIST key member1 member2 [M|KM|FT|MI] — bulk "%.4f" distance in the
// unit, or nil when the key or a member is missing. O(1) for each lookup.
function cmdGeodist(): void {
  let toMeter: f64 = 1;
  const argc = curArgc;
  if (argc == 5) {
    toMeter = parseUnitOrReply(4);
    if (toMeter < 0) return;
  } else if (argc > 5) {
    replyError(E_SYNTAX);
    return;
  }
  const e = dbLookupRead(curDb(), argPtr(1), argLen(1));
  if (e == 0) { replyNull(); return; }
  if (typeOf(e) != TYPE_ZSET) { replyError(E_WRONGTYPE); return; }
  if (!zsetScore(e, argPtr(2), argLen(2))) { replyNull(); return; }
  const s1 = zScoreFound;
  if (!zsetScore(e, argPtr(3), argLen(3))) { replyNull(); return; }
  const s2 = zScoreFound;
  decode(s1);
  const lon1 = decLon, lat1 = decLat;
  decode(s2);
  const d = geoDistance(lon1, lat1, decLon, decLat) / toMeter;
  const l = formatFixed(d, 4);
  replyBulk(FMT, <usize>l);
}

const GEOALPHABET = "0123456789bcdefghjkmnpqrstuvwxyz";
const HASHBUF = memory.data(12);

// GEOHASH key [member ...] — array of 11-character standard geohashes (the
// cell centre re-encoded over latitude -90..90), nil for missing members.
// O(log N) per member.
function cmdGeohash(): void {
  const e = dbLookupRead(curDb(), argPtr(1), argLen(1));
  if (e != 0 && typeOf(e) != TYPE_ZSET) { replyError(E_WRONGTYPE); return; }
  const argc = curArgc;
  replyArray(argc - 2);
  for (let j = 2; j < argc; j++) {
    if (e == 0 || !zsetScore(e, argPtr(j), argLen(j))) { replyNull(); continue; }
    decode(zScoreFound);
    const bits = encode(decLon, decLat, -90, 90);
    for (let i = 0; i < 11; i++) {
      const idx = i == 10 ? 0 : <i32>((bits >> <u64>(52 - (i + 1) * 5)) & 0x1f);
      store<u8>(HASHBUF + <usize>i, <u8>GEOALPHABET.charCodeAt(idx));
    }
    replyBulk(HASHBUF, 11);
  }
}

// GEOPOS key [member ...] — array of [longitude, latitude] pairs (the cell
// centres), a nil array for missing members. O(log N) per member.
function cmdGeopos(): void {
  const e = dbLookupRead(curDb(), argPtr(1), argLen(1));
  if (e != 0 && typeOf(e) != TYPE_ZSET) { replyError(E_WRONGTYPE); return; }
  const argc = curArgc;
  replyArray(argc - 2);
  for (let j = 2; j < argc; j++) {
    if (e == 0 || !zsetScore(e, argPtr(j), argLen(j))) { replyNullArray(); continue; }
    decode(zScoreFound);
    replyArray(2);
    replyHuman(decLon);
    replyHuman(decLat);
  }
}

// ---- search areas (Redis's geohash_helper.c) ---------------------------------------
// A search never scans the whole set: it estimates a geohash precision
// (step) at which the shape fits in the centre's cell and its 8 neighbours,
// drops the neighbours the shape's bounding box cannot reach, and walks the
// score range of each remaining cell. Every step of that arithmetic is
// Redis's, so the same cells, hence the same candidates in the same order,
// come out: results are unordered unless sorted, and Redis's order is the
// order of the cells and of the scores within each.

const MERCATOR_MAX: f64 = 20037726.37;
const SHAPE_CIRCLE: i32 = 0;
const SHAPE_BOX: i32 = 1;

// The search shape (GeoShape): centre, radius or box in the unit, meters per unit.
let shapeType: i32 = SHAPE_CIRCLE;
let shapeLon: f64 = 0;
let shapeLat: f64 = 0;
let shapeRadius: f64 = 0;
let shapeWidth: f64 = 0;
let shapeHeight: f64 = 0;
let shapeConv: f64 = 1;
/** cos(shapeLat) in radians, computed once per search. */
let shapeCosLat: f64 = 1;

// The 9 cells, in membersOfAllNeighbors's order: the centre's, then N S E W
// NE NW SE SW; a dropped cell has bits 0 and step 0 (GZERO).
const CELL_BITS = memory.data(9 * 8);
const CELL_STEP = memory.data(9);
const C_HASH = 0, C_N = 1, C_S = 2, C_E = 3, C_W = 4, C_NE = 5, C_NW = 6, C_SE = 7, C_SW = 8;

// @ts-ignore: decorator
@inline function cellBits(i: i32): u64 { return load<u64>(CELL_BITS + (<usize>i << 3)); }
// @ts-ignore: decorator
@inline function cellStep(i: i32): i32 { return <i32>load<u8>(CELL_STEP + <usize>i); }
function setCell(i: i32, bits: u64, step: i32): void {
  store<u64>(CELL_BITS + (<usize>i << 3), bits);
  store<u8>(CELL_STEP + <usize>i, <u8>step);
}

// @ts-ignore: decorator
@inline function degRad(ang: f64): f64 { return ang * D_R; }
// @ts-ignore: decorator
@inline function radDeg(ang: f64): f64 { return ang / D_R; }

/** geohashEstimateStepsByRadius: the precision whose cells about cover the range. */
function estimateStepsByRadius(rangeMeters: f64, lat: f64): i32 {
  if (rangeMeters == 0) return 26;
  let range = rangeMeters;
  let step = 1;
  while (range < MERCATOR_MAX) {
    range *= 2;
    step++;
  }
  step -= 2;
  // Cells narrow towards the poles: one or two steps coarser there.
  if (lat > 66 || lat < -66) {
    step--;
    if (lat > 80 || lat < -80) step--;
  }
  if (step < 1) step = 1;
  if (step > 26) step = 26;
  return step;
}

/** geohashEncode at `step` bits per coordinate (the point is in range). */
function encodeAtStep(lon: f64, lat: f64, step: i32): u64 {
  let latOff = (lat - GEO_LAT_MIN) / (GEO_LAT_MAX - GEO_LAT_MIN);
  let lonOff = (lon - GEO_LONG_MIN) / (GEO_LONG_MAX - GEO_LONG_MIN);
  latOff *= <f64>(<u64>1 << <u64>step);
  lonOff *= <f64>(<u64>1 << <u64>step);
  return spread(<u64><u32>latOff) | (spread(<u64><u32>lonOff) << 1);
}

/** geohash_move_x: one cell east (d > 0) or west, wrapping around. */
function moveX(bits: u64, step: i32, d: i32): u64 {
  let x = bits & 0xaaaaaaaaaaaaaaaa;
  const y = bits & 0x5555555555555555;
  const zz: u64 = <u64>0x5555555555555555 >> <u64>(64 - step * 2);
  if (d > 0) {
    x = x + (zz + 1);
  } else {
    x = x | zz;
    x = x - (zz + 1);
  }
  x &= <u64>0xaaaaaaaaaaaaaaaa >> <u64>(64 - step * 2);
  return x | y;
}

/** geohash_move_y: one cell north (d > 0) or south, wrapping around. */
function moveY(bits: u64, step: i32, d: i32): u64 {
  const x = bits & 0xaaaaaaaaaaaaaaaa;
  let y = bits & 0x5555555555555555;
  const zz: u64 = <u64>0xaaaaaaaaaaaaaaaa >> <u64>(64 - step * 2);
  if (d > 0) {
    y = y + (zz + 1);
  } else {
    y = y | zz;
    y = y - (zz + 1);
  }
  y &= <u64>0x5555555555555555 >> <u64>(64 - step * 2);
  return x | y;
}

/** The centre's cell at `step` and its 8 neighbours (geohashNeighbors). */
function cellsAround(step: i32): void {
  const h = encodeAtStep(shapeLon, shapeLat, step);
  setCell(C_HASH, h, step);
  setCell(C_N, moveY(h, step, 1), step);
  setCell(C_S, moveY(h, step, -1), step);
  setCell(C_E, moveX(h, step, 1), step);
  setCell(C_W, moveX(h, step, -1), step);
  setCell(C_NE, moveY(moveX(h, step, 1), step, 1), step);
  setCell(C_NW, moveY(moveX(h, step, -1), step, 1), step);
  setCell(C_SE, moveY(moveX(h, step, 1), step, -1), step);
  setCell(C_SW, moveY(moveX(h, step, -1), step, -1), step);
}

let areaLatMin: f64 = 0;
let areaLatMax: f64 = 0;
let areaLonMin: f64 = 0;
let areaLonMax: f64 = 0;

/** geohashDecode of a cell into areaLat/areaLon min and max. */
function decodeCell(i: i32): void {
  const bits = cellBits(i);
  const scale = <f64>(<u64>1 << <u64>cellStep(i));
  const ilat = <u32>squash(bits);
  const ilon = <u32>squash(bits >> 1);
  const latScale = GEO_LAT_MAX - GEO_LAT_MIN;
  const lonScale = GEO_LONG_MAX - GEO_LONG_MIN;
  areaLatMin = GEO_LAT_MIN + (<f64>ilat * 1.0 / scale) * latScale;
  areaLatMax = GEO_LAT_MIN + (<f64>(ilat + 1) * 1.0 / scale) * latScale;
  areaLonMin = GEO_LONG_MIN + (<f64>ilon * 1.0 / scale) * lonScale;
  areaLonMax = GEO_LONG_MIN + (<f64>(ilon + 1) * 1.0 / scale) * lonScale;
}

/** geohashCalculateAreasByShapeWGS84: fills the 9 cells for the shape. */
function searchAreas(): void {
  // geohashBoundingBox: the box's east-west extent is taken at the edge
  // nearer the pole (top in the north, bottom in the south).
  const height = shapeConv * (shapeType == SHAPE_CIRCLE ? shapeRadius : shapeHeight / 2);
  const width = shapeConv * (shapeType == SHAPE_CIRCLE ? shapeRadius : shapeWidth / 2);
  const latDelta = radDeg(height / EARTH_RADIUS_IN_METERS);
  const lonDeltaTop = radDeg(width / EARTH_RADIUS_IN_METERS / crCos(degRad(shapeLat + latDelta)));
  const lonDeltaBottom = radDeg(width / EARTH_RADIUS_IN_METERS / crCos(degRad(shapeLat - latDelta)));
  const southern = shapeLat < 0;
  const minLon = southern ? shapeLon - lonDeltaBottom : shapeLon - lonDeltaTop;
  const maxLon = southern ? shapeLon + lonDeltaBottom : shapeLon + lonDeltaTop;
  const minLat = shapeLat - latDelta;
  const maxLat = shapeLat + latDelta;

  // A box is estimated by the distance from its centre to a corner.
  let radiusMeters = shapeType == SHAPE_CIRCLE ? shapeRadius :
    Math.sqrt((shapeWidth / 2) * (shapeWidth / 2) + (shapeHeight / 2) * (shapeHeight / 2));
  radiusMeters *= shapeConv;

  let steps = estimateStepsByRadius(radiusMeters, shapeLat);
  cellsAround(steps);

  // Near a cell's edge the estimate can be too fine: a neighbour may not
  // reach the bounding box's far side. One step coarser then.
  let decrease = false;
  decodeCell(C_N);
  if (areaLatMax < maxLat) decrease = true;
  decodeCell(C_S);
  if (areaLatMin > minLat) decrease = true;
  decodeCell(C_E);
  if (areaLonMax < maxLon) decrease = true;
  decodeCell(C_W);
  if (areaLonMin > minLon) decrease = true;
  if (steps > 1 && decrease) {
    steps--;
    cellsAround(steps);
  }

  // Drop the neighbours on a side the bounding box does not reach past the centre's cell.
  if (steps >= 2) {
    decodeCell(C_HASH);
    if (areaLatMin < minLat) { setCell(C_S, 0, 0); setCell(C_SW, 0, 0); setCell(C_SE, 0, 0); }
    if (areaLatMax > maxLat) { setCell(C_N, 0, 0); setCell(C_NE, 0, 0); setCell(C_NW, 0, 0); }
    if (areaLonMin < minLon) { setCell(C_W, 0, 0); setCell(C_SW, 0, 0); setCell(C_NW, 0, 0); }
    if (areaLonMax > maxLon) { setCell(C_E, 0, 0); setCell(C_SE, 0, 0); setCell(C_NE, 0, 0); }
  }
}

// ---- candidates (Redis's geoArray) --------------------------------------------------
// Scratch outside the dataset (heap.alloc, like the propagation buffers),
// kept between commands and given back when a big search leaves it large.
//
//   point record (32 bytes): 0 score f64 | 8 dist f64 | 16 member offset u32 |
//                            20 member length u32 | 24 unused
// Member bytes are copied to the arena at once: a listpack integer member is
// formatted into shared scratch, and STORE may overwrite the source key.
// Coordinates are decoded again from the score when replied.

const PT_SIZE: usize = 32;
const SCRATCH_KEEP: usize = 1 << 20;

let ptsPtr: usize = 0;
let ptsCap: usize = 0;
let ptsUsed: u32 = 0;
let arenaPtr: usize = 0;
let arenaCap: usize = 0;
let arenaUsed: usize = 0;
let idxPtr: usize = 0;
let idxCap: usize = 0;
let tmpPtr: usize = 0;
let tmpCap: usize = 0;

/** The capacity of the block scratchGrow returned last. */
let grownCap: usize = 0;

/** A scratch block of at least `need` bytes in place of `ptr` (contents kept); its capacity in grownCap. */
function scratchGrow(ptr: usize, cap: usize, need: usize): usize {
  let n = cap == 0 ? <usize>256 : cap;
  while (n < need) n <<= 1;
  grownCap = n;
  return ptr == 0 ? heap.alloc(n) : heap.realloc(ptr, n);
}

function pointAppend(score: f64, dist: f64, memberPtr: usize, memberLen: usize): void {
  let need = <usize>(ptsUsed + 1) * PT_SIZE;
  if (need > ptsCap) {
    ptsPtr = scratchGrow(ptsPtr, ptsCap, need);
    ptsCap = grownCap;
  }
  need = arenaUsed + memberLen;
  if (need > arenaCap) {
    arenaPtr = scratchGrow(arenaPtr, arenaCap, need);
    arenaCap = grownCap;
  }
  memory.copy(arenaPtr + arenaUsed, memberPtr, memberLen);
  const p = ptsPtr + <usize>ptsUsed * PT_SIZE;
  store<f64>(p, score);
  store<f64>(p, dist, 8);
  store<u32>(p, <u32>arenaUsed, 16);
  store<u32>(p, <u32>memberLen, 20);
  arenaUsed += memberLen;
  ptsUsed++;
}

// @ts-ignore: decorator
@inline function ptAt(i: u32): usize { return ptsPtr + <usize>i * PT_SIZE; }
// @ts-ignore: decorator
@inline function ptScore(i: u32): f64 { return load<f64>(ptAt(i)); }
// @ts-ignore: decorator
@inline function ptDist(i: u32): f64 { return load<f64>(ptAt(i), 8); }
// @ts-ignore: decorator
@inline function ptMemberPtr(i: u32): usize { return arenaPtr + <usize>load<u32>(ptAt(i), 16); }
// @ts-ignore: decorator
@inline function ptMemberLen(i: u32): usize { return <usize>load<u32>(ptAt(i), 20); }

function scratchRelease(): void {
  ptsUsed = 0;
  arenaUsed = 0;
  if (ptsCap > SCRATCH_KEEP) { heap.free(ptsPtr); ptsPtr = 0; ptsCap = 0; }
  if (arenaCap > SCRATCH_KEEP) { heap.free(arenaPtr); arenaPtr = 0; arenaCap = 0; }
  if (idxCap > SCRATCH_KEEP) { heap.free(idxPtr); idxPtr = 0; idxCap = 0; }
  if (tmpCap > SCRATCH_KEEP) { heap.free(tmpPtr); tmpPtr = 0; tmpCap = 0; }
}

/**
 * geoAppendIfWithinShape for the point at position `p` of the set: decodes
 * its cell centre and keeps it, with its distance, when inside the shape.
 */
function appendIfWithinShape(e: usize, p: u32, score: f64): void {
  decode(score);
  const lon = decLon, lat = decLat;
  let dist: f64 = 0;
  if (shapeType == SHAPE_CIRCLE) {
    const limit = shapeRadius * shapeConv;
    // The great-circle distance is at least the meridian arc between the
    // latitudes: candidates in the cells above and below go here.
    if (surelyAboveDist(EARTH_RADIUS_IN_METERS * Math.abs(lat * D_R - shapeLat * D_R), limit)) return;
    const a = fastHaversineA(shapeLon, shapeLat, shapeFastCosLat, lon, lat, Math.cos(lat * D_R));
    if (surelyAboveA(a)) return;
    if (searchNeedsDist || !surelyBelowA(a)) {
      dist = geoDistanceCos(shapeLon, shapeLat, shapeCosLat, lon, lat, NaN);
      if (dist > limit) return;
    }
  } else {
    // geohashGetDistanceIfInRectangle: latitude first, it is cheaper.
    const latDist = EARTH_RADIUS_IN_METERS * Math.abs(degRad(shapeLat) - degRad(lat));
    if (latDist > shapeHeight * shapeConv / 2) return;
    const limit = shapeWidth * shapeConv / 2;
    const fastCos = Math.cos(lat * D_R);
    const a = fastHaversineA(lon, lat, fastCos, shapeLon, lat, fastCos);
    if (surelyAboveA(a)) return;
    let cosLat: f64 = NaN;
    if (!surelyBelowA(a)) {
      cosLat = crCos(lat * D_R);
      if (geoDistanceCos(lon, lat, cosLat, shapeLon, lat, cosLat) > limit) return;
    }
    if (searchNeedsDist) dist = geoDistanceCos(shapeLon, shapeLat, shapeCosLat, lon, lat, cosLat);
  }
  zMemberAt(e, p);
  pointAppend(score, dist, zmPtr, zmLen);
}

// Most candidates of a search are far from its edge, and most results need
// no distance (no WITHDIST, sort or STOREDIST): those are decided on the
// haversine's a = sin²(dlat/2) + cos(lat1)cos(lat2)sin²(dlon/2) with musl's
// sin and cos, against a_limit = sin²(limit / 2R) (the distance grows with
// a). That a is within 1e-14 of the exact path's (relative: 1-ulp functions,
// a sum of non-negative terms); the margin of 1e-9 leaves everything near
// the edge to the glibc-rounded distance. Limits past 1.4 R*2 radians
// (near-antipodal, where asin is steep) always take the exact path.
const FAST_MARGIN: f64 = 1e-9;
const FAST_MAX_DIST: f64 = 1.9e7;

/** Whether the search's replies or stores use each result's distance. */
let searchNeedsDist: bool = true;
/** Math.cos of the centre's latitude, for fastHaversineA. */
let shapeFastCosLat: f64 = 1;
/** sin²(limit / 2R) of the search (radius, or half the box width), or -1: no fast decisions. */
let fastALimit: f64 = -1;

function fastALimitFor(limit: f64): f64 {
  const h = limit / (2 * EARTH_RADIUS_IN_METERS);
  if (!(h < 1.4)) return -1;
  const sh = Math.sin(h);
  return sh * sh;
}

// @ts-ignore: decorator
@inline function fastHaversineA(lon1: f64, lat1: f64, cos1: f64, lon2: f64, lat2: f64, cos2: f64): f64 {
  const v = Math.sin((lon2 * D_R - lon1 * D_R) / 2);
  const u = Math.sin((lat2 * D_R - lat1 * D_R) / 2);
  return u * u + cos1 * cos2 * v * v;
}

// @ts-ignore: decorator
@inline function surelyAboveA(a: f64): bool {
  return fastALimit >= 0 && a > fastALimit * (1 + FAST_MARGIN);
}

// @ts-ignore: decorator
@inline function surelyBelowA(a: f64): bool {
  return fastALimit >= 0 && a < fastALimit * (1 - FAST_MARGIN);
}

/** A lower bound of the distance (computed without trigonometry) surely past the limit. */
// @ts-ignore: decorator
@inline function surelyAboveDist(lower: f64, limit: f64): bool {
  return lower > limit * (1 + FAST_MARGIN) && lower < FAST_MAX_DIST;
}

/** geoGetPointsInRange: the members with min <= score < max inside the shape. */
function pointsInRange(e: usize, min: f64, max: f64, limit: i64): void {
  setScoreRange(min, false, max, true);
  let p = zFirstInRange(e);
  while (p != 0) {
    const score = zScoreAt(e, p);
    if (!lteMax(score)) break;
    appendIfWithinShape(e, p, score);
    if (ptsUsed != 0 && limit != 0 && <i64>ptsUsed >= limit) break;
    p = zNext(e, p);
  }
}

/**
 * membersOfAllNeighbors: walks the cells in order, skipping a cell equal to
 * the one walked last (huge radii make neighbours coincide; as in Redis the
 * first neighbour is never compared with the centre), stopping at `limit`
 * candidates (COUNT ANY) when it is not 0.
 */
function membersOfAllCells(e: usize, limit: i64): void {
  let last = 0;
  for (let i = 0; i < 9; i++) {
    const bits = cellBits(i), step = cellStep(i);
    if (bits == 0 && step == 0) continue;
    if (last != 0 && bits == cellBits(last) && step == cellStep(last)) continue;
    if (ptsUsed != 0 && limit != 0 && <i64>ptsUsed >= limit) break;
    const shift = <u64>(52 - step * 2);
    pointsInRange(e, <f64>(bits << shift), <f64>((bits + 1) << shift), limit);
    last = i;
  }
}

// ---- sorting by distance ------------------------------------------------------------
// Redis sorts the geoPoint array with qsort (glibc's is a stable merge
// sort) when every result is returned, and with its own pqsort (a
// Bentley-McIlroy quicksort that only sorts the part holding the first
// COUNT) otherwise. Equal distances (members in one cell) come out in each
// algorithm's own order, so both are reproduced: a stable merge sort, and
// pqsort step for step, over an array of point numbers.

let sortDesc: bool = false;

// @ts-ignore: decorator
@inline function idxAt(i: i32): u32 { return load<u32>(idxPtr + (<usize>i << 2)); }

/** sort_gp_asc / sort_gp_desc on the points at idx slots a and b. */
function cmpSlots(a: i32, b: i32): i32 {
  const da = ptDist(idxAt(a)), db = ptDist(idxAt(b));
  const r = da > db ? 1 : da == db ? 0 : -1;
  return sortDesc ? -r : r;
}

function swapSlots(a: i32, b: i32): void {
  const pa = idxPtr + (<usize>a << 2), pb = idxPtr + (<usize>b << 2);
  const t = load<u32>(pa);
  store<u32>(pa, load<u32>(pb));
  store<u32>(pb, t);
}

function vecSwap(a: i32, b: i32, n: i32): void {
  for (let i = 0; i < n; i++) swapSlots(a + i, b + i);
}

function med3(a: i32, b: i32, c: i32): i32 {
  return cmpSlots(a, b) < 0
    ? (cmpSlots(b, c) < 0 ? b : (cmpSlots(a, c) < 0 ? c : a))
    : (cmpSlots(b, c) > 0 ? b : (cmpSlots(a, c) < 0 ? a : c));
}

/** Redis's _pqsort over slots [base, base+n), sorting what overlaps slots lrange..rrange. */
function pqsort(baseIn: i32, nIn: i32, lrange: i32, rrange: i32): void {
  let base = baseIn, n = nIn;
  for (;;) {
    if (n < 7) {
      for (let pm = base + 1; pm < base + n; pm++) {
        for (let pl = pm; pl > base && cmpSlots(pl - 1, pl) > 0; pl--) swapSlots(pl, pl - 1);
      }
      return;
    }
    let pm = base + (n >> 1);
    if (n > 7) {
      let pl = base;
      let pn = base + n - 1;
      if (n > 40) {
        const d = n >> 3;
        pl = med3(pl, pl + d, pl + 2 * d);
        pm = med3(pm - d, pm, pm + d);
        pn = med3(pn - 2 * d, pn - d, pn);
      }
      pm = med3(pl, pm, pn);
    }
    swapSlots(base, pm);
    let pa = base + 1, pb = base + 1;
    let pc = base + n - 1, pd = base + n - 1;
    for (;;) {
      let r: i32;
      while (pb <= pc && (r = cmpSlots(pb, base)) <= 0) {
        if (r == 0) { swapSlots(pa, pb); pa++; }
        pb++;
      }
      while (pb <= pc && (r = cmpSlots(pc, base)) >= 0) {
        if (r == 0) { swapSlots(pc, pd); pd--; }
        pc--;
      }
      if (pb > pc) break;
      swapSlots(pb, pc);
      pb++;
      pc--;
    }
    const pn = base + n;
    let r = min(pa - base, pb - pa);
    vecSwap(base, pb - r, r);
    r = min(pd - pc, pn - pd - 1);
    vecSwap(pb, pn - r, r);
    r = pb - pa;
    if (r > 1) {
      const hi = base + r - 1;
      if (!((lrange < base && rrange < base) || (lrange > hi && rrange > hi))) pqsort(base, r, lrange, rrange);
    }
    r = pd - pc;
    if (r <= 1) return;
    base = pn - r;
    n = r;
    const hi = base + r - 1;
    if ((lrange < base && rrange < base) || (lrange > hi && rrange > hi)) return;
  }
}

/** Stable bottom-up merge sort of slots [0, n) (the order glibc's qsort gives). */
function mergeSort(n: i32): void {
  const need = <usize>n << 2;
  if (need > tmpCap) {
    tmpPtr = scratchGrow(tmpPtr, tmpCap, need);
    tmpCap = grownCap;
  }
  let src = idxPtr, dst = tmpPtr;
  for (let width = 1; width < n; width <<= 1) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = min(lo + width, n), hi = min(lo + 2 * width, n);
      let i = lo, j = mid, k = lo;
      while (i < mid && j < hi) {
        const a = load<u32>(src + (<usize>i << 2)), b = load<u32>(src + (<usize>j << 2));
        const da = ptDist(a), db = ptDist(b);
        const takeRight = sortDesc ? db > da : db < da;
        if (takeRight) { store<u32>(dst + (<usize>k << 2), b); j++; }
        else { store<u32>(dst + (<usize>k << 2), a); i++; }
        k++;
      }
      while (i < mid) { store<u32>(dst + (<usize>k << 2), load<u32>(src + (<usize>i << 2))); i++; k++; }
      while (j < hi) { store<u32>(dst + (<usize>k << 2), load<u32>(src + (<usize>j << 2))); j++; k++; }
    }
    const t = src; src = dst; dst = t;
  }
  if (src != idxPtr) memory.copy(idxPtr, src, need);
}

// ---- GEORADIUS / GEOSEARCH (georadiusGeneric) ----------------------------------------

const RADIUS_COORDS: i32 = 1;
const RADIUS_MEMBER: i32 = 2;
const RADIUS_NOSTORE: i32 = 4;
const GEOSEARCH: i32 = 8;
const GEOSEARCHSTORE: i32 = 16;
const SORT_NONE: i32 = 0;
const SORT_ASC: i32 = 1;
const SORT_DESC: i32 = 2;

/** extractDistanceOrReply: radius (>= 0) and unit at argument i. */
function parseRadiusOrReply(i: i32): bool {
  if (!parseDouble(argPtr(i), argLen(i))) { replyError(E_GEO_NEED_RADIUS); return false; }
  const r = dblValue;
  if (r < 0) { replyError(E_GEO_RADIUS_NEGATIVE); return false; }
  const conv = parseUnitOrReply(i + 1);
  if (conv < 0) return false;
  shapeRadius = r;
  shapeConv = conv;
  return true;
}

/** extractBoxOrReply: width and height (>= 0) and unit at argument i. */
function parseBoxOrReply(i: i32): bool {
  if (!parseDouble(argPtr(i), argLen(i))) { replyError(E_GEO_NEED_WIDTH); return false; }
  const w = dblValue;
  if (!parseDouble(argPtr(i + 1), argLen(i + 1))) { replyError(E_GEO_NEED_HEIGHT); return false; }
  const h = dblValue;
  if (h < 0 || w < 0) { replyError(E_GEO_BOX_NEGATIVE); return false; }
  const conv = parseUnitOrReply(i + 2);
  if (conv < 0) return false;
  shapeWidth = w;
  shapeHeight = h;
  shapeConv = conv;
  return true;
}

/** longLatFromMember into shapeLon/shapeLat; false when the member is missing. */
function centreFromMember(e: usize, i: i32): bool {
  if (!zsetScore(e, argPtr(i), argLen(i))) return false;
  decode(zScoreFound);
  shapeLon = decLon;
  shapeLat = decLat;
  return true;
}

/** An error made of a fixed prefix and the command name as typed. */
function replyErrorWithName(prefix: string): void {
  let o = putAscii(ERRBUF, 0, prefix);
  const n = min(argLen(0), <usize>1024);
  memory.copy(ERRBUF + <usize>o, argPtr(0), n);
  replyErrorBytes(ERRBUF, <usize>o + n);
}

/**
 * Redis's georadiusGeneric: the source key at `srcArg`, the command kind
 * in `flags`. Parses in Redis's order (the type check first, then the
 * centre and radius of the GEORADIUS forms, then the options left to
 * right, each error on the spot), so every bad command gets Redis's error.
 */
function geoSearch(srcArg: i32, flags: i32): void {
  const db = curDb();
  const e = dbLookupRead(db, argPtr(srcArg), argLen(srcArg));
  if (e != 0 && typeOf(e) != TYPE_ZSET) { replyError(E_WRONGTYPE); return; }

  let storeArg = 0;
  let storeDist = false;
  let base = 0;
  if ((flags & RADIUS_COORDS) != 0) {
    base = 6;
    shapeType = SHAPE_CIRCLE;
    if (!parseLonLatOrReply(2)) return;
    shapeLon = argLon;
    shapeLat = argLat;
    if (!parseRadiusOrReply(4)) return;
  } else if ((flags & RADIUS_MEMBER) != 0) {
    // Without a source key the radius is not even parsed: the options are
    // still read, to know which empty reply to give.
    base = 5;
    if (e != 0) {
      shapeType = SHAPE_CIRCLE;
      if (!centreFromMember(e, 2)) { replyError(E_GEO_NO_MEMBER); return; }
      if (!parseRadiusOrReply(3)) return;
    }
  } else {
    base = 2;
    if ((flags & GEOSEARCHSTORE) != 0) {
      base = 3;
      storeArg = 1;
    }
  }

  let withDist = false, withHash = false, withCoord = false;
  let fromMember = false, fromLoc = false, byRadius = false, byBox = false;
  let sort = SORT_NONE;
  let any = false;
  let count: i64 = 0;
  const argc = curArgc;
  const remaining = argc - base;
  for (let k = 0; k < remaining; k++) {
    const i = base + k;
    const search = (flags & GEOSEARCH) != 0;
    const radiusStore = (flags & RADIUS_NOSTORE) == 0 && !search;
    if (argIs(i, "WITHDIST")) withDist = true;
    else if (argIs(i, "WITHHASH")) withHash = true;
    else if (argIs(i, "WITHCOORD")) withCoord = true;
    else if (argIs(i, "ANY")) any = true;
    else if (argIs(i, "ASC")) sort = SORT_ASC;
    else if (argIs(i, "DESC")) sort = SORT_DESC;
    else if (argIs(i, "COUNT") && k + 1 < remaining) {
      if (!parseLongOrReply(i + 1)) return;
      count = argInt;
      if (count <= 0) { replyError(E_GEO_COUNT); return; }
      k++;
    } else if (argIs(i, "STORE") && k + 1 < remaining && radiusStore) {
      storeArg = i + 1;
      storeDist = false;
      k++;
    } else if (argIs(i, "STOREDIST") && k + 1 < remaining && radiusStore) {
      storeArg = i + 1;
      storeDist = true;
      k++;
    } else if (argIs(i, "STOREDIST") && search && (flags & GEOSEARCHSTORE) != 0) {
      storeDist = true;
    } else if (argIs(i, "FROMMEMBER") && k + 1 < remaining && search && !fromLoc) {
      // Without a source key the member cannot be looked up: parsing goes
      // on and the reply is the empty one.
      if (e != 0 && !centreFromMember(e, i + 1)) { replyError(E_GEO_NO_MEMBER); return; }
      fromMember = true;
      k++;
    } else if (argIs(i, "FROMLONLAT") && k + 2 < remaining && search && !fromMember) {
      if (!parseLonLatOrReply(i + 1)) return;
      shapeLon = argLon;
      shapeLat = argLat;
      fromLoc = true;
      k += 2;
    } else if (argIs(i, "BYRADIUS") && k + 2 < remaining && search && !byBox) {
      if (!parseRadiusOrReply(i + 1)) return;
      shapeType = SHAPE_CIRCLE;
      byRadius = true;
      k += 2;
    } else if (argIs(i, "BYBOX") && k + 3 < remaining && search && !byRadius) {
      if (!parseBoxOrReply(i + 1)) return;
      shapeType = SHAPE_BOX;
      byBox = true;
      k += 3;
    } else {
      replyError(E_SYNTAX);
      return;
    }
  }

  if (storeArg != 0 && (withDist || withHash || withCoord)) {
    replyError((flags & GEOSEARCHSTORE) != 0 ? E_GEOSEARCHSTORE_WITH : E_GEO_STORE_WITH);
    return;
  }
  if ((flags & GEOSEARCH) != 0 && !(fromMember || fromLoc)) { replyErrorWithName(E_GEO_FROM_PREFIX); return; }
  if ((flags & GEOSEARCH) != 0 && !(byRadius || byBox)) { replyErrorWithName(E_GEO_BY_PREFIX); return; }
  if (any && count == 0) { replyError(E_GEO_ANY_COUNT); return; }

  if (e == 0) {
    if (storeArg != 0) {
      replyInt(0);
      deleteStoreKey(db, storeArg);
    } else {
      replyArray(0);
    }
    return;
  }

  // COUNT means the nearest COUNT: ascending unless ANY (the first found).
  if (count != 0 && sort == SORT_NONE && !any) sort = SORT_ASC;

  searchAreas();
  shapeCosLat = crCos(shapeLat * D_R);
  shapeFastCosLat = Math.cos(shapeLat * D_R);
  fastALimit = fastALimitFor(shapeType == SHAPE_CIRCLE ? shapeRadius * shapeConv : shapeWidth * shapeConv / 2);
  searchNeedsDist = withDist || sort != SORT_NONE || storeDist;
  ptsUsed = 0;
  arenaUsed = 0;
  membersOfAllCells(e, any ? count : 0);

  if (ptsUsed == 0 && storeArg == 0) {
    replyArray(0);
    scratchRelease();
    return;
  }
  const found = <i64>ptsUsed;
  const returned = count == 0 || found < count ? found : count;
  const n = <i32>found;
  const needIdx = <usize>n << 2;
  if (needIdx > idxCap) {
    idxPtr = scratchGrow(idxPtr, idxCap, needIdx);
    idxCap = grownCap;
  }
  for (let i = 0; i < n; i++) store<u32>(idxPtr + (<usize>i << 2), <u32>i);
  if (sort != SORT_NONE) {
    sortDesc = sort == SORT_DESC;
    if (returned == found) mergeSort(n);
    else pqsort(0, n, 0, <i32>returned - 1);
  }

  if (storeArg == 0) replySearch(<i32>returned, withDist, withHash, withCoord);
  else storeSearch(db, storeArg, <i32>returned, storeDist, (flags & GEOSEARCH) != 0);
  scratchRelease();
}

function replySearch(n: i32, withDist: bool, withHash: bool, withCoord: bool): void {
  const options = (withDist ? 1 : 0) + (withHash ? 1 : 0) + (withCoord ? 1 : 0);
  replyArray(n);
  for (let i = 0; i < n; i++) {
    const pt = idxAt(i);
    const len = ptMemberLen(pt);
    // The engine's reply is one block: past it the client is closed, as
    // Redis closes one over its output buffer limit.
    if (!roomFor(<u64>len + 160)) return;
    if (options != 0) replyArray(options + 1);
    replyBulk(ptMemberPtr(pt), len);
    if (withDist) {
      const l = formatFixed(ptDist(pt) / shapeConv, 4);
      replyBulk(FMT, <usize>l);
    }
    if (withHash) replyInt(<i64>ptScore(pt));
    if (withCoord) {
      decode(ptScore(pt));
      replyArray(2);
      replyHuman(decLon);
      replyHuman(decLat);
    }
  }
}

/** The destination's "del" when a STORE search finds nothing. */
function deleteStoreKey(db: Db, storeArg: i32): void {
  const keyPtr = argPtr(storeArg), keyLen = argLen(storeArg);
  if (dbDelete(db, keyPtr, keyLen)) {
    keyChanged(db.index, keyPtr, keyLen, NOTIFY_GENERIC, "del");
    addDirty(1);
  }
}

/**
 * STORE / STOREDIST: the first n results become a sorted set (scores the
 * geohashes, or the distances in the unit), replacing whatever the key held;
 * none deletes it. Replies the count.
 */
function storeSearch(db: Db, storeArg: i32, n: i32, storeDist: bool, search: bool): void {
  replyInt(n);
  if (n == 0) {
    deleteStoreKey(db, storeArg);
    return;
  }
  const z = zbuildNew();
  let maxLen: u64 = 0, totLen: u64 = 0;
  for (let i = 0; i < n; i++) {
    const pt = idxAt(i);
    const len = ptMemberLen(pt);
    zbuildInsert(z, storeDist ? ptDist(pt) / shapeConv : ptScore(pt), ptMemberPtr(pt), len);
    if (<u64>len > maxLen) maxLen = <u64>len;
    totLen += <u64>len;
  }
  const v = zbuildFinish(z, maxLen, totLen);
  const keyPtr = argPtr(storeArg), keyLen = argLen(storeArg);
  zsetStoreKey(db, keyPtr, keyLen, v, zbuildEnc);
  keyChanged(db.index, keyPtr, keyLen, NOTIFY_ZSET, search ? "geosearchstore" : "georadiusstore");
  addDirty(<u64>n);
}

// GEORADIUS key longitude latitude radius M|KM|FT|MI [WITHCOORD] [WITHDIST]
//   [WITHHASH] [COUNT count [ANY]] [ASC|DESC] [STORE key] [STOREDIST key]
// — array of members (each [member, dist?, hash?, [lon, lat]?] with WITH*
// options), or with STORE/STOREDIST the integer stored. O(N+log(M)), N the
// members in the cells searched, M the set's size.
function cmdGeoradius(): void { geoSearch(1, RADIUS_COORDS); }

// GEORADIUS_RO key longitude latitude radius M|KM|FT|MI [WITHCOORD]
//   [WITHDIST] [WITHHASH] [COUNT count [ANY]] [ASC|DESC] — GEORADIUS
// without STORE (a syntax error here). O(N+log(M)).
function cmdGeoradiusRo(): void { geoSearch(1, RADIUS_COORDS | RADIUS_NOSTORE); }

// GEORADIUSBYMEMBER key member radius M|KM|FT|MI [WITHCOORD] [WITHDIST]
//   [WITHHASH] [COUNT count [ANY]] [ASC|DESC] [STORE key] [STOREDIST key]
// — GEORADIUS centred on a member's position. O(N+log(M)).
function cmdGeoradiusbymember(): void { geoSearch(1, RADIUS_MEMBER); }

// GEORADIUSBYMEMBER_RO key member radius M|KM|FT|MI [WITHCOORD] [WITHDIST]
//   [WITHHASH] [COUNT count [ANY]] [ASC|DESC] — without STORE. O(N+log(M)).
function cmdGeoradiusbymemberRo(): void { geoSearch(1, RADIUS_MEMBER | RADIUS_NOSTORE); }

// GEOSEARCH key FROMMEMBER member|FROMLONLAT longitude latitude
//   BYRADIUS radius M|KM|FT|MI|BYBOX width height M|KM|FT|MI [ASC|DESC]
//   [COUNT count [ANY]] [WITHCOORD] [WITHDIST] [WITHHASH] — array as
// GEORADIUS. O(N+log(M)).
function cmdGeosearch(): void { geoSearch(1, GEOSEARCH); }

// GEOSEARCHSTORE destination source FROMMEMBER member|FROMLONLAT longitude
//   latitude BYRADIUS radius unit|BYBOX width height unit [ASC|DESC]
//   [COUNT count [ANY]] [STOREDIST] — integer: members stored. O(N+log(M)).
function cmdGeosearchstore(): void { geoSearch(2, GEOSEARCH | GEOSEARCHSTORE); }

export function register(): void {
  reg(CMD_GEOADD, cmdGeoadd);
  reg(CMD_GEODIST, cmdGeodist);
  reg(CMD_GEOHASH, cmdGeohash);
  reg(CMD_GEOPOS, cmdGeopos);
  reg(CMD_GEORADIUS, cmdGeoradius);
  reg(CMD_GEORADIUS_RO, cmdGeoradiusRo);
  reg(CMD_GEORADIUSBYMEMBER, cmdGeoradiusbymember);
  reg(CMD_GEORADIUSBYMEMBER_RO, cmdGeoradiusbymemberRo);
  reg(CMD_GEOSEARCH, cmdGeosearch);
  reg(CMD_GEOSEARCHSTORE, cmdGeosearchstore);
}
