// Geo commands: GEOADD GEODIST GEOHASH GEOPOS.
//
// Points live in sorted sets (TYPE zset) whose scores are Redis's 52-bit
// geohashes: latitude (-85.05112878..85.05112878) and longitude (-180..180)
// each cut into 2^26 steps, interleaved with latitude on the even bits. A
// score decodes to the centre of its cell, so GEOPOS answers the cell centre,
// not the coordinates given. Replies are formatted as Redis does: GEOPOS with
// %.17Lf (trailing zeros trimmed), GEODIST with %.4f, both from the exact
// binary value of the double (see formatFixed).

import { register as reg } from "./dispatch";
import { CMD_GEOADD, CMD_GEODIST, CMD_GEOHASH, CMD_GEOPOS } from "./table.gen";
import { curDb, argIs } from "./context";
import { argPtr, argLen, curArgc } from "../client";
import {
  replyError, replyErrorBytes, replyInt, replyArray, replyNull, replyNullArray, replyBulk, proto,
  writeBytes,
} from "../resp/writer";
import { E_WRONGTYPE, E_SYNTAX, E_NOT_FLOAT, E_GEO_UNIT } from "../resp/errors";
import { dbLookup, dbLookupRead, addDirty } from "../db/db";
import { keyChanged, NOTIFY_ZSET } from "../db/notify";
import { signalKeyAsReady } from "../db/ready";
import { typeOf, keyPtrOf, keyLenOf, TYPE_ZSET } from "../db/entry";
import {
  zsetCreateKey, zsetAdd, zsetScore, zScoreFound, ZADD_IN_NX, ZADD_IN_XX, ZADD_OUT_ADDED, ZADD_OUT_UPDATED,
} from "../db/zsetval";
import { zsetMaxListpackEntries, zsetMaxListpackValue } from "../db/limits";
import { parseDouble, dblValue } from "../util/double";

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

/** Redis's geohashGetDistance (haversine on its earth radius). */
export function geoDistance(lon1: f64, lat1: f64, lon2: f64, lat2: f64): f64 {
  const lon1r = lon1 * D_R;
  const lon2r = lon2 * D_R;
  const v = Math.sin((lon2r - lon1r) / 2);
  if (v == 0.0) return EARTH_RADIUS_IN_METERS * Math.abs(lat2 * D_R - lat1 * D_R);
  const lat1r = lat1 * D_R;
  const lat2r = lat2 * D_R;
  const u = Math.sin((lat2r - lat1r) / 2);
  const a = u * u + Math.cos(lat1r) * Math.cos(lat2r) * v * v;
  return 2.0 * EARTH_RADIUS_IN_METERS * Math.asin(Math.sqrt(a));
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

/**
 * printf("%.<decimals>f", x) into FMT, correctly rounded from x's exact
 * binary value as glibc does; returns the length. Finite x only.
 */
function formatFixed(x: f64, decimals: i32): i32 {
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
  if (added + updated > 0) keyChanged(db.index, keyPtr, keyLen, NOTIFY_ZSET, "zadd");
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

export function register(): void {
  reg(CMD_GEOADD, cmdGeoadd);
  reg(CMD_GEODIST, cmdGeodist);
  reg(CMD_GEOHASH, cmdGeohash);
  reg(CMD_GEOPOS, cmdGeopos);
}
