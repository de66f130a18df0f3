// RDB snapshots on the host side: the engine serializes and loads (the
// RDB boundary in assembly/persistapi.ts); this module moves the bytes to and
// from files as Redis does, and keeps what INFO persistence, LASTSAVE and
// the save points need.
//
//   SAVE          serializes and writes temp-<pid>.rdb, fsyncs it, renames it
//                 over dbfilename and fsyncs the directory: a crash at any
//                 moment leaves the old file or the new one, never half of one.
//   BGSAVE        a point-in-time snapshot without a fork (assembly/persist/
//                 snapshot.ts): the engine records an epoch, then serializes
//                 in slices of about a millisecond with client commands in
//                 between (writes save a key's old value first), while the
//                 bytes go to temp-<pid>-bgsave-<n>.rdb with async I/O; fsync and
//                 rename as SAVE. Clients wait at most one slice.
//   load          at startup and DEBUG RELOAD: the file is fed to the engine
//                 in chunks, with progress lines for big files.
import type { HostServer } from '../host/context.js';
import { nodeFs, nodePath, pid } from '../host/platform.js';
import { strerror } from '../host/config.js';

/** Output handed to the host per serializer step. */
const STEP_BYTES = 4 << 20;
/** A background snapshot's step: small, so a slice can stop on time. */
const SNAP_STEP_BYTES = 16 << 10;
/** How long a background snapshot serializes before letting clients in. */
const SNAP_SLICE_MS = 1;
/** The buffers a background snapshot's bytes wait in for the disk (reused). */
const SNAP_CHUNK = 256 << 10;
/** Bytes waiting for the disk above which the snapshot waits for the writes. */
const SNAP_MAX_QUEUED = 16 << 20;
/** Input window the loader starts with (grown for a record that does not fit). */
const LOAD_WINDOW = 4 << 20;
const RDB_COMPRESS = 1;
const RDB_CHECKSUM = 2;
const RDB_AOF_BASE = 4;
const LOAD_CHECKSUM = 1;

export class RdbError extends Error {}
/** FLUSHALL stopped the snapshot (Redis: the saving child killed by SIGUSR1). */
export class SnapshotKilled extends Error {}

/**
 * A background snapshot being written (a BGSAVE's, or an AOF rewrite's
 * base): its temp file, the descriptor it is written through, whether a
 * stop ended it.
 */
interface SnapshotJob {
  tmp: string;
  fd: number;
  kind: 'rdb' | 'aof';
  stopped: boolean;
}

export interface LoadResult {
  keys: number;
  expired: number;
  empty: number;
  ms: number;
}

/** A dataset serialized: the file's bytes in chunks, and how many keys went in. */
export interface Snapshot {
  chunks: Buffer[];
  bytes: number;
  keys: number;
  skipped: number;
}

export class RdbState {
  /** Unix seconds of the last successful save (LASTSAVE); the start time until one happens. */
  lastSave: number;
  /** The engine's dirty counter at the last save (or load). */
  dirtyAtSave = 0;
  lastBgsaveOk = true;
  lastBgsaveSec = -1;
  bgsaveStartedAt = 0;
  bgsaveInProgress = false;
  bgsaveScheduled = false;
  /** How long BGSAVE's start held clients (the epoch and the file header). */
  lastBgsavePauseMs = 0;
  /** The longest slice of the last (or running) background snapshot, in ms. */
  lastBgsaveSliceMs = 0;
  /** Bytes the snapshot's pre-write hook saved in the last BGSAVE (INFO rdb_last_cow_size). */
  lastCowBytes = 0;
  /** Snapshot bytes serialized but not yet written to the file (INFO current_cow_size), and their peak. */
  bgsavePendingBytes = 0;
  bgsavePendingPeak = 0;
  /** Keys in the running BGSAVE's image (INFO current_save_keys_total). */
  bgsaveKeysTotal = 0;
  /** The running BGSAVE, if any (a stop replaces it with null). */
  private bgJob: SnapshotJob | null = null;
  /** The AOF rewrite's snapshot (the engine runs one snapshot at a time). */
  private aofJob: SnapshotJob | null = null;
  private bgSeq = 0;
  saves = 0;
  loading = false;
  lastLoadKeys = 0;
  lastLoadExpired = 0;
  /** The last failed save's reason (stop-writes-on-bgsave-error). */
  lastError = '';
  private lastSaveAttempt = 0;

  constructor(private readonly srv: HostServer) {
    this.lastSave = Math.floor(srv.startedAt / 1000);
  }

  changesSinceSave(): number {
    return this.srv.engine.x.dirtyCount() - this.dirtyAtSave;
  }

  filePath(): string { return this.path(); }

  private path(): string {
    const file = this.srv.config.get('dbfilename');
    return nodePath ? nodePath.resolve(this.srv.config.get('dir'), file) : file;
  }

  // ---- serializing ------------------------------------------------------------------

  /** The whole dataset as RDB bytes, now (nothing else runs meanwhile). */
  serialize(opts: { aofBase?: boolean } = {}): Snapshot {
    const srv = this.srv;
    const engine = srv.engine;
    const x = engine.x;
    // The engine has one serializer output: a synchronous save (SHUTDOWN,
    // DEBUG RELOAD, an AOF base) stops a running BGSAVE first, as Redis
    // kills its child before saving on SHUTDOWN.
    if (this.bgJob) this.stopBgsave('a synchronous save');
    if (this.aofJob) this.srv.aof.stopRewrite('a synchronous save');
    const compress = srv.config.getBool('rdbcompression');
    const flags = (compress ? RDB_COMPRESS : 0) | (srv.config.getBool('rdbchecksum') ? RDB_CHECKSUM : 0) |
      (opts.aofBase ? RDB_AOF_BASE : 0);
    const chunks: Buffer[] = [];
    let bytes = 0;
    const take = () => {
      const p = x.rdbOutPtr() >>> 0;
      const n = x.rdbOutLen() >>> 0;
      if (n > 0) {
        chunks.push(Buffer.from(engine.bytes().subarray(p, p + n)));
        bytes += n;
      }
      x.rdbOutTaken();
    };
    try {
      x.rdbSaveBegin(Math.floor(srv.clock.now() / 1000), x.usedMemory(), flags);
      const fns = srv.scripting?.functions.dump(compress);
      // The FUNCTION2 records: FUNCTION DUMP's payload without its footer.
      if (fns && fns.length > 10) this.withEngineCopy(fns.subarray(0, fns.length - 10), (p, n) => x.rdbSaveRaw(p, n));
      for (;;) {
        const more = x.rdbSaveStep(STEP_BYTES);
        take();
        if (!more) break;
      }
    } finally {
      x.rdbOutRelease();
    }
    return { chunks, bytes, keys: x.rdbSavedKeys(), skipped: x.rdbSkippedKeys() };
  }

  private withEngineCopy(data: Uint8Array, fn: (p: number, n: number) => void): void {
    const x = this.srv.engine.x;
    const p = x.rdbAlloc(data.length) >>> 0;
    try {
      this.srv.engine.bytes().set(data, p);
      fn(p, data.length);
    } finally {
      x.rdbFree(p);
    }
  }

  // ---- files -------------------------------------------------------------------------

  /** SAVE: serializes and writes the file before returning. Throws with the reason on failure. */
  saveSync(): void {
    const fs = requireFs();
    const start = Date.now();
    const snap = this.serialize();
    const target = this.path();
    const tmp = nodePath!.join(nodePath!.dirname(target), `temp-${pid()}.rdb`);
    // Redis's rdbSave log line for the step that failed.
    let step = 'open';
    try {
      const fd = fs.openSync(tmp, 'w');
      step = 'write';
      try {
        for (const c of snap.chunks) writeAllSync(fs, fd, c);
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
      step = 'rename';
      fs.renameSync(tmp, target);
      fsyncDir(fs, nodePath!.dirname(target));
    } catch (err: any) {
      try { fs.unlinkSync(tmp); } catch { /* not created */ }
      this.lastError = err?.message ?? String(err);
      const why = strerror(err);
      const name = nodePath!.basename(tmp);
      if (step === 'open') {
        this.srv.log('warning', `Failed opening the temp RDB file ${name} (in server root dir ${process.cwd()}) for saving: ${why}`);
      } else if (step === 'write') {
        this.srv.log('warning', `Write error saving DB on disk: ${why}`);
      } else {
        this.srv.log('warning', `Error moving temp DB file ${name} on the final destination ${this.srv.config.get('dbfilename')} ` +
          `(in server root dir ${process.cwd()}): ${why}`);
      }
      throw new RdbError(this.lastError);
    }
    this.saved(snap);
    this.srv.log('notice', 'DB saved on disk');
  }

  private saved(snap: Snapshot): void {
    this.lastSave = Math.floor(this.srv.clock.now() / 1000);
    this.dirtyAtSave = this.srv.engine.x.dirtyCount();
    this.saves++;
    this.lastError = '';
    // A successful save of any kind clears a failed BGSAVE's status (rdbSave).
    this.lastBgsaveOk = true;
    this.applyDiskError();
    if (snap.skipped > 0) {
      this.srv.log('warning', `${snap.skipped} keys of types this build cannot write yet (streams) were left out of the RDB file`);
    }
  }

  /**
   * BGSAVE: the point-in-time image is the keyspace now (the dirty count
   * that counts as saved is this moment's); the engine serializes it in
   * slices between client commands while the file is written. False when
   * one is already running.
   */
  bgsave(): boolean {
    if (this.bgsaveInProgress) return false;
    // The engine runs one snapshot: after the AOF rewrite's.
    if (this.aofJob) {
      this.bgsaveScheduled = true;
      return true;
    }
    const fs = requireFs();
    const srv = this.srv;
    const x = srv.engine.x;
    const t0 = performance.now();
    this.bgsaveInProgress = true;
    this.bgsaveStartedAt = Date.now();
    this.lastSaveAttempt = Date.now();
    this.lastBgsaveSliceMs = 0;
    this.bgsavePendingBytes = 0;
    this.bgsavePendingPeak = 0;
    this.bgsaveKeysTotal = 0;
    for (let i = 0; i < x.databases(); i++) this.bgsaveKeysTotal += x.keyCount(i);
    const dirty = x.dirtyCount();
    const compress = srv.config.getBool('rdbcompression');
    const flags = (compress ? RDB_COMPRESS : 0) | (srv.config.getBool('rdbchecksum') ? RDB_CHECKSUM : 0);
    const target = this.path();
    // Its own name per run: a stopped run's late cleanup must not touch the next one's file.
    const tmp = nodePath!.join(nodePath!.dirname(target), `temp-${pid()}-bgsave-${++this.bgSeq}.rdb`);
    let job: SnapshotJob;
    try {
      // Opened now, not asynchronously: a stop (SHUTDOWN) must find the file to remove.
      job = { tmp, fd: fs.openSync(tmp, 'w'), kind: 'rdb', stopped: false };
    } catch (err: any) {
      this.bgsaveInProgress = false;
      this.bgsaveFailed(err);
      return true;
    }
    try {
      this.beginSnapshot(job, flags, compress);
    } catch (err: any) {
      this.bgsaveInProgress = false;
      this.bgsaveFailed(err);
      return true;
    }
    this.bgJob = job;
    this.lastBgsavePauseMs = performance.now() - t0;
    srv.log('notice', 'Background saving started');
    this.runBgsave(job, tmp, target).then((snap) => {
      if (job.stopped) return;
      this.bgJob = null;
      this.bgsaveInProgress = false;
      this.lastBgsaveOk = true;
      this.applyDiskError();
      this.lastBgsaveSec = Math.round((Date.now() - this.bgsaveStartedAt) / 1000);
      this.saved(snap);
      this.dirtyAtSave = dirty;
      srv.log('notice', `DB saved on disk (${snap.keys} keys, ${snap.bytes} bytes; longest slice ${this.lastBgsaveSliceMs.toFixed(1)} ms, ` +
        `${this.lastCowBytes} bytes saved ahead of writes)`);
      srv.log('notice', 'Background saving terminated with success');
      this.runScheduled();
    }, (err) => {
      try { fs.unlinkSync(tmp); } catch { /* gone */ }
      if (job.stopped) return;
      this.bgJob = null;
      this.bgsaveInProgress = false;
      if (err instanceof SnapshotKilled) {
        // FLUSHALL: Redis kills the child with SIGUSR1, which leaves
        // rdb_last_bgsave_status as it was.
        this.lastBgsaveSec = Math.round((Date.now() - this.bgsaveStartedAt) / 1000);
        srv.log('warning', 'Background saving terminated by signal 10');
        x.rdbOutRelease();
      } else {
        x.snapshotStop();
        x.rdbOutRelease();
        this.bgsaveFailed(err);
      }
      this.runScheduled();
    });
    return true;
  }

  /**
   * Starts the engine's snapshot for a job whose temp file is open: the
   * epoch, then the function libraries (FUNCTION2 records). On failure the
   * engine forgets it, the file goes, and the error is thrown on.
   */
  private beginSnapshot(job: SnapshotJob, flags: number, compress: boolean): void {
    const srv = this.srv;
    const x = srv.engine.x;
    try {
      x.snapshotBegin(Math.floor(srv.clock.now() / 1000), x.usedMemory(), flags);
      const fns = srv.scripting?.functions.dump(compress);
      if (fns && fns.length > 10) this.withEngineCopy(fns.subarray(0, fns.length - 10), (p, n) => x.rdbSaveRaw(p, n));
    } catch (err) {
      x.snapshotStop();
      x.rdbOutRelease();
      const fs = requireFs();
      fs.closeSync(job.fd);
      try { fs.unlinkSync(job.tmp); } catch { /* gone */ }
      throw err;
    }
  }

  /** Whether the engine's one snapshot is in use (a BGSAVE or an AOF rewrite). */
  get snapshotBusy(): boolean { return this.bgJob !== null || this.aofJob !== null; }

  /**
   * The AOF rewrite's base: the keyspace now, as an RDB with aof-base set,
   * written to `target` in the same slices as a BGSAVE. Resolves once the
   * file is in place (rejects with SnapshotKilled after a FLUSHALL).
   */
  snapshotToFile(tmp: string, target: string): { done: Promise<Snapshot>; stop: () => void } {
    const srv = this.srv;
    const fs = requireFs();
    const x = srv.engine.x;
    const compress = srv.config.getBool('rdbcompression');
    const flags = (compress ? RDB_COMPRESS : 0) | (srv.config.getBool('rdbchecksum') ? RDB_CHECKSUM : 0) | RDB_AOF_BASE;
    const job: SnapshotJob = { tmp, fd: fs.openSync(tmp, 'w'), kind: 'aof', stopped: false };
    this.beginSnapshot(job, flags, compress);
    this.aofJob = job;
    const stop = () => {
      if (job.stopped) return;
      job.stopped = true;
      if (this.aofJob === job) this.aofJob = null;
      x.snapshotStop();
      x.rdbOutRelease();
      try { fs.unlinkSync(tmp); } catch { /* gone */ }
    };
    const done = this.runBgsave(job, tmp, target).then((snap) => {
      if (this.aofJob === job) this.aofJob = null;
      this.runScheduled();
      return snap;
    }, (err) => {
      try { fs.unlinkSync(tmp); } catch { /* gone */ }
      if (this.aofJob === job) {
        this.aofJob = null;
        if (!(err instanceof SnapshotKilled)) x.snapshotStop();
        x.rdbOutRelease();
      }
      this.runScheduled();
      throw err;
    });
    return { done, stop };
  }

  /**
   * The slices of a background snapshot: serialize for SNAP_SLICE_MS, hand
   * the bytes to the file, yield to clients (setImmediate lets the poll
   * phase run), again. If the disk lags by more than SNAP_MAX_QUEUED bytes,
   * the next slice waits for the writes, so memory stays bounded.
   */
  private async runBgsave(job: SnapshotJob, tmp: string, target: string): Promise<Snapshot> {
    const fs = requireFs();
    const engine = this.srv.engine;
    const x = engine.x;
    let bytes = 0;
    let pending = 0;
    let writeErr: unknown = null;
    let writes: Promise<void> = Promise.resolve();
    const pool: Buffer[] = [];
    const fd = job.fd;
    const writev = (bufs: Buffer[]) => new Promise<void>((res, rej) => fs.writev(fd, bufs, (err) => (err ? rej(err) : res())));
    // Closed once only: a descriptor number closed twice may be someone else's by then.
    let closed = false;
    const close = () => {
      if (closed) return Promise.resolve();
      closed = true;
      return new Promise<void>((res) => fs.close(fd, () => res()));
    };
    try {
      for (;;) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        if (job.stopped) throw new Error('Background saving stopped');
        if (writeErr) throw writeErr;
        const t = performance.now();
        let st: number;
        // The slice's output stays in the engine's buffer (each step's
        // budget is relative to what is there) and is copied out once.
        do {
          st = x.snapshotStep((x.rdbOutLen() >>> 0) + SNAP_STEP_BYTES);
        } while (st === 1 && performance.now() - t < SNAP_SLICE_MS);
        if (st < 0) throw new SnapshotKilled();
        const p = x.rdbOutPtr() >>> 0;
        const n = x.rdbOutLen() >>> 0;
        // Copied into reused chunks: a fresh Buffer per slice is garbage
        // whose collection pauses show up as client waits.
        const full: Buffer[] = [];
        const bufs: Buffer[] = [];
        for (let off = 0; off < n; off += SNAP_CHUNK) {
          const len = Math.min(SNAP_CHUNK, n - off);
          const b = pool.pop() ?? Buffer.allocUnsafeSlow(SNAP_CHUNK);
          engine.bytes().copy(b, 0, p + off, p + off + len);
          full.push(b);
          bufs.push(b.subarray(0, len));
        }
        x.rdbOutTaken();
        const rdbStats = job.kind === 'rdb';
        if (rdbStats) this.lastBgsaveSliceMs = Math.max(this.lastBgsaveSliceMs, performance.now() - t);
        if (n > 0) {
          bytes += n;
          pending += n;
          if (rdbStats) {
            this.bgsavePendingBytes += n;
            this.bgsavePendingPeak = Math.max(this.bgsavePendingPeak, this.bgsavePendingBytes);
          }
          writes = writes.then(async () => {
            if (writeErr) return;
            try {
              await writev(bufs);
            } catch (err) {
              writeErr = err;
            }
            pending -= n;
            if (rdbStats) this.bgsavePendingBytes -= n;
            pool.push(...full);
          });
        }
        if (st === 0) break;
        if (pending > SNAP_MAX_QUEUED) await writes;
      }
      if (job.kind === 'rdb') this.lastCowBytes = x.snapshotHookBytes();
      const keys = x.rdbSavedKeys();
      const skipped = x.rdbSkippedKeys();
      x.rdbOutRelease();
      await writes;
      if (writeErr) throw writeErr;
      await new Promise<void>((res, rej) => fs.fsync(fd, (err) => (err ? rej(err) : res())));
      await close();
      if (job.stopped) throw new Error('Background saving stopped');
      await fs.promises.rename(tmp, target);
      // Off the event loop too: a directory fsync on a busy disk can take
      // longer than every slice together.
      await fsyncDirAsync(fs, nodePath!.dirname(target));
      return { chunks: [], bytes, keys, skipped };
    } catch (err) {
      await writes.catch(() => undefined);
      await close();
      throw err;
    }
  }

  /**
   * Stops a running BGSAVE (SHUTDOWN, a synchronous save, the embedded
   * store closing): the engine forgets the snapshot and the temp file goes.
   */
  stopBgsave(why: string, line = `Background saving stopped for ${why}`): void {
    const job = this.bgJob;
    if (!job) return;
    this.bgJob = null;
    job.stopped = true;
    this.srv.engine.x.snapshotStop();
    this.srv.engine.x.rdbOutRelease();
    this.bgsaveInProgress = false;
    this.bgsavePendingBytes = 0;
    try { nodeFs?.unlinkSync(job.tmp); } catch { /* not created yet */ }
    this.srv.log('warning', line);
  }

  private bgsaveFailed(err: any): void {
    this.lastBgsaveOk = false;
    this.applyDiskError();
    this.lastBgsaveSec = Math.round((Date.now() - this.bgsaveStartedAt) / 1000);
    this.lastError = err?.message ?? String(err);
    this.srv.log('warning', `Background saving error: ${this.lastError}`);
  }

  private runScheduled(): void {
    if (!this.bgsaveScheduled || this.snapshotBusy) return;
    this.bgsaveScheduled = false;
    this.bgsave();
  }

  /** BGSAVE SCHEDULE, or BGSAVE inside a transaction: after the running one. */
  schedule(): void {
    this.bgsaveScheduled = true;
  }

  /** stop-writes-on-bgsave-error: whether writes must be refused (MISCONF). */
  writesRefused(): boolean {
    return !this.lastBgsaveOk && this.srv.config.getBool('stop-writes-on-bgsave-error') && this.hasSavePoints();
  }

  /** Tells the engine whether writes answer MISCONF (after each save, and on CONFIG SET). */
  applyDiskError(): void {
    this.srv.engine.x.setDiskError(this.writesRefused() ? 1 : 0);
  }

  /** The cron's look at the save points (`save <seconds> <changes>`), as serverCron does. */
  cron(): void {
    if (this.bgsaveInProgress || this.aofJob || this.loading || !nodeFs) {
      return;
    }
    if (this.bgsaveScheduled) { this.runScheduled(); return; }
    const points = parseSavePoints(this.srv.config.get('save'));
    if (points.length === 0) return;
    const now = Date.now();
    const changes = this.changesSinceSave();
    const since = now / 1000 - this.lastSave;
    // After a failed BGSAVE Redis retries only every CONFIG_BGSAVE_RETRY_DELAY (5 s).
    const retryOk = this.lastBgsaveOk || now - this.lastSaveAttempt > 5000;
    for (const [secs, min] of points) {
      if (changes >= min && since > secs && retryOk) {
        this.srv.log('notice', `${min} changes in ${secs} seconds. Saving...`);
        this.bgsave();
        return;
      }
    }
  }

  /** Whether SHUTDOWN (without SAVE/NOSAVE) saves: when save points are configured. */
  hasSavePoints(): boolean {
    return parseSavePoints(this.srv.config.get('save')).length > 0;
  }

  // ---- loading -----------------------------------------------------------------------

  /**
   * Startup, before the port opens: if dbfilename exists the server is
   * loading from this moment (clients that connect get -LOADING, INFO says
   * loading:1), so nothing can run on the empty keyspace first.
   */
  prepareStartupLoad(): boolean {
    const fs = nodeFs;
    if (!fs || !fs.existsSync(this.path())) return false;
    this.loading = true;
    this.srv.engine.x.setLoading(1);
    return true;
  }

  /** Loads dbfilename if it exists (startup); null when there is no file. */
  async loadFileIfExists(): Promise<LoadResult | null> {
    const fs = nodeFs;
    if (!fs) return null;
    const path = this.path();
    if (!fs.existsSync(path)) {
      this.loading = false;
      this.srv.engine.x.setLoading(0);
      return null;
    }
    return this.loadFile(path);
  }

  /**
   * Loads an RDB file at startup, giving the event loop a turn between
   * chunks: clients connected meanwhile get -LOADING (the engine refuses
   * what Redis refuses while loading) and INFO shows loading:1. Waits for
   * the Lua VM first, which the file's functions need.
   */
  async loadFile(path: string): Promise<LoadResult> {
    if (this.srv.scriptingReady) await this.srv.scriptingReady.catch(() => null);
    const fs = requireFs();
    const size = fs.statSync(path).size;
    const fd = fs.openSync(path, 'r');
    const x = this.srv.engine.x;
    x.setLoading(1);
    try {
      const steps = this.loadSteps(fileReader(fs, fd), size, this.srv.scripting != null);
      for (;;) {
        const r = steps.next();
        if (r.done) return r.value;
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    } finally {
      x.setLoading(0);
      fs.closeSync(fd);
    }
  }

  /** Loads an RDB file into the keyspace now. Throws RdbError with Redis's reason. */
  loadFileSync(path: string): LoadResult {
    const fs = requireFs();
    const size = fs.statSync(path).size;
    const fd = fs.openSync(path, 'r');
    try {
      return this.loadFrom(fileReader(fs, fd), size, this.srv.scripting != null);
    } finally {
      fs.closeSync(fd);
    }
  }

  /** Loads RDB bytes already in memory (DEBUG RELOAD, the embedded store). */
  loadBytes(bytes: Uint8Array): LoadResult {
    let pos = 0;
    const read = (buf: Buffer): number => {
      const n = Math.min(buf.length, bytes.length - pos);
      buf.set(bytes.subarray(pos, pos + n), 0);
      pos += n;
      return n;
    };
    return this.loadFrom(read, bytes.length, this.srv.scripting != null);
  }

  private loadFrom(read: (buf: Buffer) => number, size: number, withFunctions: boolean): LoadResult {
    const steps = this.loadSteps(read, size, withFunctions);
    for (;;) {
      const r = steps.next();
      if (r.done) return r.value;
    }
  }

  /** The loader, pausing (yield) after each window of input. */
  private *loadSteps(read: (buf: Buffer) => number, size: number, withFunctions: boolean): Generator<void, LoadResult> {
    const srv = this.srv;
    const engine = srv.engine;
    const x = engine.x;
    const start = Date.now();
    this.loading = true;
    let cap = LOAD_WINDOW;
    let win = x.rdbAlloc(cap) >>> 0;
    const chunk = Buffer.allocUnsafe(1 << 20);
    let have = 0;
    let fed = 0;
    let eof = false;
    let lastLog = start;
    x.rdbLoadBegin(srv.clock.now(), srv.config.getBool('rdbchecksum') ? LOAD_CHECKSUM : 0);
    try {
      for (;;) {
        // Fill the window.
        while (!eof && have < cap) {
          const want = Math.min(chunk.length, cap - have);
          const n = read(want === chunk.length ? chunk : chunk.subarray(0, want));
          if (n === 0) { eof = true; break; }
          engine.bytes().set(chunk.subarray(0, n), win + have);
          have += n;
        }
        const used = x.rdbLoadFeed(win, have, eof ? 1 : 0);
        if (used < 0) throw new RdbError(this.engineError());
        fed += used;
        if (used > 0) {
          engine.bytes().copyWithin(win, win + used, win + have);
          have -= used;
        }
        if (x.rdbLoadDone() && (used > 0 || have === 0)) {
          if (have > 0 && used === 0) continue;
          break;
        }
        if (eof && used === 0) throw new RdbError('Short read or OOM loading DB. Unrecoverable error, aborting now.');
        if (used === 0 && have === cap) {
          // A record bigger than the window: grow it.
          const bigger = x.rdbAlloc(cap * 2) >>> 0;
          engine.bytes().copyWithin(bigger, win, win + have);
          x.rdbFree(win);
          win = bigger;
          cap *= 2;
        }
        yield;
        const now = Date.now();
        if (now - lastLog >= 2000) {
          lastLog = now;
          const keys = x.rdbLoadedKeys();
          const rate = Math.round(keys / ((now - start) / 1000));
          srv.log('notice', `Loading RDB: ${keys} keys loaded, ${size ? ((100 * fed) / size).toFixed(1) : '100.0'}% of ${size} bytes, ${rate} keys/sec`);
        }
      }
      if (withFunctions) this.loadFunctions();
    } finally {
      x.rdbFree(win);
      this.loading = false;
    }
    const result: LoadResult = {
      keys: x.rdbLoadedKeys(), expired: x.rdbExpiredOnLoad(), empty: x.rdbEmptyOnLoad(), ms: Date.now() - start,
    };
    this.lastLoadKeys = result.keys;
    this.lastLoadExpired = result.expired;
    this.dirtyAtSave = x.dirtyCount();
    return result;
  }

  private engineError(): string {
    const x = this.srv.engine.x;
    const p = x.rdbErrorPtr() >>> 0;
    const n = x.rdbErrorLen() >>> 0;
    const text = this.srv.engine.bytes().toString('latin1', p, p + n);
    x.rdbFree(p);
    return text;
  }

  /** The FUNCTION2 records the loader kept: each library's code, loaded as FUNCTION LOAD would. */
  private loadFunctions(): void {
    const srv = this.srv;
    const x = srv.engine.x;
    const n = x.rdbFunctionsLen() >>> 0;
    if (n === 0 || !srv.scripting) return;
    const p = x.rdbFunctionsPtr() >>> 0;
    const all = Buffer.from(srv.engine.bytes().subarray(p, p + n));
    for (let at = 0; at < all.length;) {
      const len = all.readUInt32LE(at);
      const code = all.subarray(at + 4, at + 4 + len);
      at += 4 + len;
      const err = srv.scripting.functions.loadCode(code);
      if (err) throw new RdbError(`Failed loading library: ${err}`);
    }
  }
}

function requireFs(): NonNullable<typeof nodeFs> {
  if (!nodeFs || !nodePath) throw new RdbError('no file system here');
  return nodeFs;
}

/** Reads a file from its start, a buffer at a time (0 at the end). */
function fileReader(fs: NonNullable<typeof nodeFs>, fd: number): (buf: Buffer) => number {
  let pos = 0;
  return (buf) => {
    const n = fs.readSync(fd, buf, 0, buf.length, pos);
    pos += n;
    return n;
  };
}

function writeAllSync(fs: NonNullable<typeof nodeFs>, fd: number, buf: Buffer): void {
  for (let off = 0; off < buf.length;) off += fs.writeSync(fd, buf, off, buf.length - off);
}

/** Makes a rename durable (the directory entry), where the platform allows it. */
function fsyncDir(fs: NonNullable<typeof nodeFs>, dir: string): void {
  try {
    const fd = fs.openSync(dir, 'r');
    try { fs.fsyncSync(fd); } finally { fs.closeSync(fd); }
  } catch {
    // Not every platform opens directories (Windows).
  }
}

async function fsyncDirAsync(fs: NonNullable<typeof nodeFs>, dir: string): Promise<void> {
  try {
    const fh = await fs.promises.open(dir, 'r');
    try { await fh.sync(); } finally { await fh.close(); }
  } catch {
    // Not every platform opens directories (Windows).
  }
}

/** `save` as pairs of (seconds, changes). */
export function parseSavePoints(save: string): [number, number][] {
  const parts = save.trim().split(/\s+/).filter((s) => s.length > 0);
  const out: [number, number][] = [];
  for (let i = 0; i + 1 < parts.length; i += 2) out.push([Number(parts[i]), Number(parts[i + 1])]);
  return out;
}
