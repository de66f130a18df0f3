// The thresholds that decide when a collection leaves its compact encoding
// (Redis's *-max-listpack-*, set-max-intset-entries, list-max-listpack-size
// and list-compress-depth), pushed by the host from the configuration and
// changed at run time by CONFIG SET. A value converted to its large
// encoding never converts back, as in Redis.

/** Positive: entries per quicklist node; -1..-5: node size 4/8/16/32/64 KiB. */
export let listMaxListpackSize: i32 = -2;
export let listCompressDepth: i32 = 0;
export let hashMaxListpackEntries: u64 = 512;
export let hashMaxListpackValue: u64 = 64;
export let setMaxIntsetEntries: u64 = 512;
export let zsetMaxListpackEntries: u64 = 128;
export let zsetMaxListpackValue: u64 = 64;

export function setEncodingLimits(
  listSize: i32, listDepth: i32, hashEntries: f64, hashValue: f64,
  setIntset: f64, zsetEntries: f64, zsetValue: f64,
): void {
  listMaxListpackSize = listSize;
  listCompressDepth = listDepth;
  hashMaxListpackEntries = <u64>hashEntries;
  hashMaxListpackValue = <u64>hashValue;
  setMaxIntsetEntries = <u64>setIntset;
  zsetMaxListpackEntries = <u64>zsetEntries;
  zsetMaxListpackValue = <u64>zsetValue;
}

/** hll-sparse-max-bytes: a sparse HyperLogLog longer than this turns dense. */
export let hllSparseMaxBytes: u64 = 3000;

export function setHllSparseMaxBytes(n: f64): void {
  hllSparseMaxBytes = <u64>n;
}
