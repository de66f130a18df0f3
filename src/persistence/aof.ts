// The append-only file, in Redis 7's multi-part layout: a directory
// (appenddirname) holding a manifest (appendonly.aof.manifest), one base
// file (an RDB, or AOF commands) and incr files of commands, fed by the
// engine's propagation stream (assembly/db/propagate.ts).
//
// Writes follow Redis: the stream is written to the incr file before any
// reply leaves (Redis writes the AOF in beforeSleep, before the replies);
// `appendfsync always` also fsyncs it then, `everysec` fsyncs once a second
// off the main thread (libuv's pool, as Redis's bio thread), `no` leaves
// it to the OS. A rewrite writes a fresh base of the whole dataset, opens a
// new incr file, switches the manifest atomically and deletes the old files.

import type { HostServer, HostClient } from '../host/context.js';
import { nodeFs, nodePath, requireFs, pid } from '../host/platform.js';
import { strerror } from '../host/config.js';
import { CF_LOADER } from '../engine/engine.js';
import { SnapshotKilled } from './rdb.js';
import type { Snapshot } from './rdb.js';

export class AofError extends Error {}

/** Output drained from the engine's command rewrite at a time. */
const REWRITE_STEP_BYTES = 1 << 20;

interface FileInfo { name: string; seq: number; type: 'b' | 'h' | 'i' }

/** A manifest's lines: `file <name> seq <n> type <b|h|i>`. */
export function parseManifest(text: string): FileInfo[] {
  const out: FileInfo[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const parts = line.split(/\s+/);
    const info: Partial<FileInfo> = {};
    for (let i = 0; i + 1 < parts.length; i += 2) {
      const k = parts[i], v = parts[i + 1];
      if (k === 'file') info.name = v;
      else if (k === 'seq') info.seq = Number(v);
      else if (k === 'type') info.type = v as FileInfo['type'];
    }
    if (!info.name || !Number.isInteger(info.seq) || !info.type || !'bhi'.includes(info.type)) {
      throw new AofError('Invalid AOF manifest file format');
    }
    out.push(info as FileInfo);
  }
  return out;
}

export function formatManifest(files: FileInfo[]): string {
  return files.map((f) => `file ${f.name} seq ${f.seq} type ${f.type}\n`).join('');
}

/**
 * The end of the last complete RESP command in `buf` from `start`, and
 * whether what follows is a torn command (true) or garbage (false, with
 * `bad` set). Also accepts the `#TS:` annotations of aof-timestamp-enabled.
 */
export function scanCommands(buf: Buffer, start = 0, annotations: [number, number][] = []):
    { end: number; torn: boolean; bad: boolean; commands: number } {
  let p = start;
  let commands = 0;
  const line = (from: number): number => {
    const nl = buf.indexOf(10, from);
    return nl < 0 || buf[nl - 1] !== 13 ? -1 : nl;
  };
  while (p < buf.length) {
    const cmdStart = p;
    if (buf[p] === 0x23) { // '#': an annotation line
      const nl = line(p);
      if (nl < 0) return { end: cmdStart, torn: true, bad: false, commands };
      p = nl + 1;
      annotations.push([cmdStart, p]);
      continue;
    }
    if (buf[p] !== 0x2a) return { end: cmdStart, torn: false, bad: true, commands };
    let nl = line(p);
    if (nl < 0) return { end: cmdStart, torn: true, bad: false, commands };
    const argc = Number(buf.toString('latin1', p + 1, nl - 1));
    if (!Number.isInteger(argc) || argc < 1) return { end: cmdStart, torn: false, bad: true, commands };
    p = nl + 1;
    for (let i = 0; i < argc; i++) {
      if (p >= buf.length) return { end: cmdStart, torn: true, bad: false, commands };
      if (buf[p] !== 0x24) return { end: cmdStart, torn: false, bad: true, commands };
      nl = line(p);
      if (nl < 0) return { end: cmdStart, torn: true, bad: false, commands };
      const len = Number(buf.toString('latin1', p + 1, nl - 1));
      if (!Number.isInteger(len) || len < 0) return { end: cmdStart, torn: false, bad: true, commands };
      p = nl + 1 + len + 2;
      if (p > buf.length) return { end: cmdStart, torn: true, bad: false, commands };
    }
    commands++;
  }
  return { end: p, torn: false, bad: false, commands };
}

export class AofState {
  /** aof_enabled: appendonly is on and the files are open. */
  enabled = false;
  rewriteInProgress = false;
  rewriteScheduled = false;
  /** When the running rewrite started (aof_current_rewrite_time_sec). */
  rewriteStartedAt = 0;
  private bgRewrite: { done: Promise<Snapshot>; stop: () => void } | null = null;
  lastWriteOk = true;
  /** strerror of the last failed write, and of the last failed background fsync ('' when it worked). */
  private writeError = '';
  private fsyncError = '';
  /** aof_last_write_status: the last write and the last background fsync worked. */
  get writeStatusOk(): boolean { return this.lastWriteOk && !this.fsyncError; }
  lastRewriteOk = true;
  rewriteFailures = 0;
  lastRewriteSec = -1;
  rewrites = 0;
  /** aof_current_size / aof_base_size: bytes of all files now, and at the last rewrite. */
  currentSize = 0;
  baseSize = 0;
  lastFsyncMs = 0;
  delayedFsync = 0;
  private fd = -1;
  private files: FileInfo[] = [];
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private fsyncInFlight = false;
  private unsynced = false;
  private fsyncPostponedSince = 0;
  private lastTs = 0;

  /** appendfsync, kept from CONFIG (read on every reply). */
  private fsyncMode = 'everysec';

  constructor(private readonly srv: HostServer) {
    this.fsyncMode = srv.config.get('appendfsync');
    srv.config.onChange(() => { this.fsyncMode = srv.config.get('appendfsync'); });
  }

  /** aof_buffer_length: stream bytes not yet written. */
  bufferLength(): number { return this.pendingBytes; }
  /** aof_pending_bio_fsync: an everysec fsync is running. */
  fsyncPending(): boolean { return this.fsyncInFlight; }

  private dirPath(): string {
    return nodePath!.resolve(this.srv.config.get('dir'), this.srv.config.get('appenddirname'));
  }
  private fileName(): string { return this.srv.config.get('appendfilename'); }
  private manifestPath(): string { return nodePath!.join(this.dirPath(), `${this.fileName()}.manifest`); }

  /** Whether an AOF manifest exists on disk. */
  exists(): boolean {
    return !!nodeFs && nodeFs.existsSync(this.manifestPath());
  }

  // ---- feeding --------------------------------------------------------------------------

  /**
   * The end of an event-loop turn, before the turn's replies are written
   * (Redis's beforeSleep): the stream is written now under every policy,
   * and fsynced first under always.
   */
  endOfTurn(): void {
    this.takeStream();
    if (this.pendingBytes > 0) this.flush();
  }

  /** Moves what the engine's propagation stream holds to the bytes waiting for the file. */
  private takeStream(): void {
    const b = this.srv.engine.takePropagation();
    if (b && this.enabled) {
      this.pending.push(b);
      this.pendingBytes += b.length;
    }
  }

  /** Takes the engine's stream; writes (and fsyncs, for always) before replies leave. */
  beforeReply(): void {
    this.takeStream();
    if (this.pendingBytes === 0) return;
    // always: written and fsynced before this reply leaves. everysec and
    // no: written once per event-loop turn for all clients together (as
    // Redis writes once per beforeSleep); a crash may lose what the last
    // second wrote, which is their contract.
    if (this.fsyncMode === 'always') {
      this.flush();
    } else if (!this.flushQueued) {
      this.flushQueued = true;
      setImmediate(() => {
        this.flushQueued = false;
        this.flush();
      });
    }
  }
  private flushQueued = false;

  /** Everything the stream holds written now, whatever the fsync policy (rewrite, shutdown, CONFIG SET). */
  drain(): void {
    this.takeStream();
    this.flush(true);
  }

  private flush(force = false): void {
    if (this.fd < 0 || this.pendingBytes === 0) return;
    const fs = requireFs();
    const mode = this.fsyncMode;
    // everysec: a write while the previous fsync is still running would
    // wait for it; Redis postpones the write up to 2 s, then writes anyway.
    if (mode === 'everysec' && this.fsyncInFlight && !force) {
      const now = Date.now();
      if (this.fsyncPostponedSince === 0) { this.fsyncPostponedSince = now; return; }
      if (now - this.fsyncPostponedSince < 2000) return;
      this.delayedFsync++;
      this.srv.log('notice', 'Asynchronous AOF fsync is taking too long (disk is busy?). Writing the AOF buffer without waiting for fsync to complete, this may slow down Redis.');
    }
    this.fsyncPostponedSince = 0;
    // aof-timestamp-enabled: a "#TS:<unix seconds>" line when the second changed.
    if (this.srv.config.getBool('aof-timestamp-enabled')) {
      const sec = Math.floor(Date.now() / 1000);
      if (sec !== this.lastTs) {
        this.lastTs = sec;
        this.pending.unshift(Buffer.from(`#TS:${sec}\r\n`));
      }
    }
    const buf = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending);
    this.pending = [];
    this.pendingBytes = 0;
    try {
      let off = 0;
      while (off < buf.length) off += fs.writeSync(this.fd, buf, off, buf.length - off);
      this.currentSize += buf.length;
      if (!this.lastWriteOk) {
        this.srv.log('warning', 'AOF write error looks solved, Redis can write again.');
        this.lastWriteOk = true;
        this.applyWriteError();
      }
    } catch (err: any) {
      const why = strerror(err);
      if (this.lastWriteOk || why !== this.writeError) this.srv.log('warning', `Error writing to the AOF file: ${why}`);
      this.lastWriteOk = false;
      this.writeError = why;
      this.applyWriteError();
      // Keep the bytes for the next try, as Redis keeps its buffer.
      this.pending = [buf];
      this.pendingBytes = buf.length;
      if (mode === 'always') {
        this.srv.log('warning', "Can't recover from AOF write error when the AOF fsync policy is 'always'. Exiting...");
        process.exit(1);
      }
      return;
    }
    const noFsync = this.rewriteInProgress && this.srv.config.getBool('no-appendfsync-on-rewrite');
    if (mode === 'always' && !noFsync) {
      try {
        fs.fdatasyncSync(this.fd);
      } catch (err: any) {
        if (err?.code !== 'EBADF' && err?.code !== 'EINVAL') {
          this.srv.log('warning', `Can't persist AOF for fsync error when the AOF fsync policy is 'always': ${strerror(err)}. Exiting...`);
          process.exit(1);
        }
      }
      this.lastFsyncMs = Date.now();
    } else {
      this.unsynced = true;
    }
  }

  /** Once a second from the cron: everysec's fsync off the main thread, and automatic rewrites. */
  cron(): void {
    if (this.rewriteScheduled && !this.rewriteInProgress && !this.srv.rdb.snapshotBusy) {
      this.rewriteScheduled = false;
      this.rewriteNow();
    }
    if (!this.enabled) return;
    // Active expiry's DELs, and anything a failed write left behind.
    this.beforeReply();
    const now = Date.now();
    const mode = this.srv.config.get('appendfsync');
    const noFsync = this.rewriteInProgress && this.srv.config.getBool('no-appendfsync-on-rewrite');
    if (mode === 'everysec' && this.unsynced && !this.fsyncInFlight && !noFsync && now - this.lastFsyncMs >= 1000) {
      this.unsynced = false;
      this.fsyncInFlight = true;
      const fd = this.fd;
      // fdatasync, as Redis's redis_fsync on Linux.
      requireFs().fdatasync(fd, (err) => {
        this.fsyncInFlight = false;
        this.lastFsyncMs = Date.now();
        // A failed background fsync refuses writes as a failed write does,
        // until one succeeds (aof_bio_fsync_status).
        // EBADF and EINVAL are not failures: the fd is no longer a file that syncs (bio.c ignores them).
        const failed = err && err.code !== 'EBADF' && err.code !== 'EINVAL' ? strerror(err) : '';
        if (failed !== this.fsyncError) {
          if (failed) this.srv.log('warning', `Error syncing the AOF file: ${failed}`);
          this.fsyncError = failed;
          this.applyWriteError();
        }
      });
    }
    // auto-aof-rewrite-percentage / min-size: grown by the percentage over
    // the size after the last rewrite, and past the minimum.
    const pct = this.srv.config.getInt('auto-aof-rewrite-percentage');
    const min = Number(this.srv.config.get('auto-aof-rewrite-min-size'));
    if (pct > 0 && !this.rewriteInProgress && !this.srv.rdb.snapshotBusy && this.currentSize > min) {
      const base = this.baseSize > 0 ? this.baseSize : 1;
      const growth = Math.floor(((this.currentSize * 100) / base) - 100);
      if (growth >= pct) {
        this.srv.log('notice', `Starting automatic rewriting of AOF on ${growth}% growth`);
        this.rewriteNow();
      }
    }
  }

  // ---- files ---------------------------------------------------------------------------

  private fsyncDir(dir: string): void {
    const fs = requireFs();
    try {
      const d = fs.openSync(dir, 'r');
      try { fs.fsyncSync(d); } finally { fs.closeSync(d); }
    } catch { /* not every platform can fsync a directory */ }
  }

  private writeManifest(files: FileInfo[]): void {
    const fs = requireFs();
    const dir = this.dirPath();
    const tmp = nodePath!.join(dir, `temp-${this.fileName()}.manifest`);
    fs.writeFileSync(tmp, formatManifest(files));
    const fd = fs.openSync(tmp, 'r+');
    try { fs.fsyncSync(fd); } finally { fs.closeSync(fd); }
    fs.renameSync(tmp, this.manifestPath());
    this.fsyncDir(dir);
  }

  private nextSeq(type: 'b' | 'i'): number {
    let seq = 0;
    for (const f of this.files) if ((type === 'b' ? f.type !== 'i' : f.type === 'i') && f.seq > seq) seq = f.seq;
    return seq + 1;
  }

  /**
   * The dataset as the commands that rebuild it (aof-use-rdb-preamble no):
   * FUNCTION LOAD for each library, then the engine's rewrite of every key.
   */
  private commandBase(): { chunks: Buffer[]; bytes: number } {
    const engine = this.srv.engine;
    const x = engine.x;
    const chunks: Buffer[] = [];
    let bytes = 0;
    const push = (b: Buffer) => { chunks.push(b); bytes += b.length; };
    for (const lib of this.srv.scripting?.functions.libraries ?? []) {
      push(Buffer.from(`*3\r\n$8\r\nFUNCTION\r\n$4\r\nLOAD\r\n$${lib.code.length}\r\n`, 'latin1'));
      push(Buffer.concat([lib.code, Buffer.from('\r\n')]));
    }
    try {
      x.aofRewriteBegin();
      for (;;) {
        const more = x.aofRewriteStep(REWRITE_STEP_BYTES);
        const p = x.aofRewriteOutPtr() >>> 0;
        const n = x.aofRewriteOutLen() >>> 0;
        if (n > 0) push(Buffer.from(engine.bytes().subarray(p, p + n)));
        x.aofRewriteOutTaken();
        if (!more) break;
      }
    } finally {
      x.aofRewriteRelease();
    }
    return { chunks, bytes };
  }

  /**
   * Rewrites the AOF now: a base of the whole dataset (an RDB when
   * aof-use-rdb-preamble, the default), a new incr file, the manifest
   * switched atomically, then the old files deleted. Returns false on error.
   * The dataset is serialized in one go (the engine runs nothing else
   * meanwhile), so the new incr file starts exactly after the base.
   */
  rewrite(): boolean {
    this.stopRewrite('a rewrite in one go', false);
    const fs = requireFs();
    const dir = this.dirPath();
    this.rewriteInProgress = true;
    const started = Date.now();
    try {
      fs.mkdirSync(dir, { recursive: true });
      // Whatever the stream holds belongs to the old files.
      this.drain();
      const name = this.fileName();
      const baseSeq = this.nextSeq('b');
      const incrSeq = this.nextSeq('i');
      const preamble = this.srv.config.getBool('aof-use-rdb-preamble');
      const snap = preamble ? this.srv.rdb.serialize({ aofBase: true }) : this.commandBase();
      const baseName = `${name}.${baseSeq}.base.${preamble ? 'rdb' : 'aof'}`;
      const tmp = nodePath!.join(dir, `temp-rewriteaof-bg-${pid()}.aof`);
      const bfd = fs.openSync(tmp, 'w');
      try {
        for (const c of snap.chunks) fs.writeSync(bfd, c);
        fs.fsyncSync(bfd);
      } finally {
        fs.closeSync(bfd);
      }
      fs.renameSync(tmp, nodePath!.join(dir, baseName));
      const incrName = `${name}.${incrSeq}.incr.aof`;
      const ifd = fs.openSync(nodePath!.join(dir, incrName), 'a');
      const old = this.files;
      const files: FileInfo[] = [{ name: baseName, seq: baseSeq, type: 'b' }, { name: incrName, seq: incrSeq, type: 'i' }];
      this.writeManifest(files);
      this.files = files;
      if (this.fd >= 0) fs.closeSync(this.fd);
      this.fd = ifd;
      // The new incr file starts without a SELECT: force one before the next op.
      this.srv.engine.x.propResetDb();
      for (const f of old) {
        if (f.name === baseName || f.name === incrName) continue;
        try { fs.unlinkSync(nodePath!.join(dir, f.name)); } catch { /* already gone */ }
      }
      this.fsyncDir(dir);
      this.baseSize = snap.bytes;
      this.currentSize = snap.bytes;
      this.rewrites++;
      this.lastRewriteOk = true;
      this.rewriteFailures = 0;
      this.lastRewriteSec = Math.round((Date.now() - started) / 1000);
      this.srv.log('notice', 'Background AOF rewrite terminated with success');
      this.srv.log('notice', 'Background AOF rewrite finished successfully');
      return true;
    } catch (err: any) {
      this.lastRewriteOk = false;
      this.rewriteFailures++;
      this.srv.log('warning', `Background AOF rewrite failed: ${err?.message ?? err}`);
      return false;
    } finally {
      this.rewriteInProgress = false;
    }
  }

  /**
   * BGREWRITEAOF and automatic rewrites: in the background when the base
   * is an RDB (a sliced snapshot, as BGSAVE); the command base of
   * aof-use-rdb-preamble no is written in one go. With the AOF off, only a
   * base and the manifest are written (nothing appends).
   */
  rewriteNow(): boolean {
    if (this.enabled && this.srv.config.getBool('aof-use-rdb-preamble')) return this.rewriteBackground();
    if (this.enabled) return this.rewrite();
    const ok = this.rewrite();
    if (this.fd >= 0) {
      requireFs().closeSync(this.fd);
      this.fd = -1;
    }
    return ok;
  }

  /**
   * A rewrite that lets clients run (rewriteAppendOnlyFileBackground in
   * Redis 7.0): a new incr file takes the writes at once (the manifest
   * lists it after the old files, so a crash meanwhile loses nothing), the
   * base is the keyspace of this instant written in slices; once it is in
   * place the manifest becomes the new base and the incr files since the
   * start, and the old files are deleted.
   */
  private rewriteBackground(): boolean {
    const fs = requireFs();
    const dir = this.dirPath();
    const started = Date.now();
    let job: { done: Promise<Snapshot>; stop: () => void };
    let baseName: string, baseSeq: number, incrSeq: number;
    try {
      fs.mkdirSync(dir, { recursive: true });
      // Whatever the stream holds belongs to the old files.
      this.drain();
      const name = this.fileName();
      baseSeq = this.nextSeq('b');
      incrSeq = this.nextSeq('i');
      baseName = `${name}.${baseSeq}.base.rdb`;
      const incrName = `${name}.${incrSeq}.incr.aof`;
      const ifd = fs.openSync(nodePath!.join(dir, incrName), 'a');
      const during: FileInfo[] = [...this.files, { name: incrName, seq: incrSeq, type: 'i' }];
      try {
        this.writeManifest(during);
      } catch (err) {
        fs.closeSync(ifd);
        throw err;
      }
      this.files = during;
      if (this.fd >= 0) fs.closeSync(this.fd);
      this.fd = ifd;
      this.srv.engine.x.propResetDb();
      // The snapshot starts before any other command runs: the new incr
      // file holds exactly what happens after the base's instant.
      const tmp = nodePath!.join(dir, `temp-rewriteaof-bg-${pid()}.aof`);
      job = this.srv.rdb.snapshotToFile(tmp, nodePath!.join(dir, baseName));
    } catch (err: any) {
      this.lastRewriteOk = false;
      this.rewriteFailures++;
      this.srv.log('warning', `Background AOF rewrite failed: ${err?.message ?? err}`);
      return false;
    }
    const sizeAtStart = this.currentSize;
    this.rewriteInProgress = true;
    this.rewriteStartedAt = started;
    this.bgRewrite = job;
    this.srv.log('notice', `Background append only file rewriting started`);
    job.done.then((snap) => {
      if (this.bgRewrite !== job) return;
      this.bgRewrite = null;
      this.rewriteInProgress = false;
      try {
        const files: FileInfo[] = [{ name: baseName, seq: baseSeq, type: 'b' },
          ...this.files.filter((f) => f.type === 'i' && f.seq >= incrSeq)];
        this.writeManifest(files);
        const old = this.files;
        this.files = files;
        for (const f of old) {
          if (files.some((k) => k.name === f.name)) continue;
          try { fs.unlinkSync(nodePath!.join(dir, f.name)); } catch { /* already gone */ }
        }
        this.fsyncDir(dir);
      } catch (err: any) {
        this.rewriteFailed(err);
        return;
      }
      this.baseSize = snap.bytes;
      this.currentSize = snap.bytes + (this.currentSize - sizeAtStart);
      this.rewrites++;
      this.lastRewriteOk = true;
      this.rewriteFailures = 0;
      this.lastRewriteSec = Math.round((Date.now() - started) / 1000);
      this.srv.log('notice', 'Background AOF rewrite terminated with success');
      this.srv.log('notice', 'Background AOF rewrite finished successfully');
    }, (err) => {
      if (this.bgRewrite !== job) return;
      this.bgRewrite = null;
      this.rewriteInProgress = false;
      if (err instanceof SnapshotKilled) {
        // FLUSHALL ended the engine's snapshot; the files as they stand
        // replay to the right dataset, and the rewrite starts over.
        this.srv.log('notice', 'Background AOF rewrite interrupted by FLUSHALL: scheduled again');
        this.rewriteScheduled = true;
        return;
      }
      this.rewriteFailed(err);
    });
    return true;
  }

  private rewriteFailed(err: any): void {
    this.lastRewriteOk = false;
    this.rewriteFailures++;
    this.srv.log('warning', `Background AOF rewrite failed: ${err?.message ?? err}`);
  }

  /**
   * Stops a background rewrite (SHUTDOWN, appendonly no, a synchronous
   * save that needs the engine's snapshot): its temp file goes, the files
   * as they stand stay consistent. After a synchronous save it runs again.
   */
  stopRewrite(why: string, again = why === 'a synchronous save', line = `Background AOF rewrite stopped for ${why}`): void {
    const job = this.bgRewrite;
    if (!job) return;
    this.bgRewrite = null;
    this.rewriteInProgress = false;
    job.stop();
    if (again) this.rewriteScheduled = true;
    this.srv.log('warning', line);
  }

  /**
   * Tells the engine whether writes answer "MISCONF Errors writing to the
   * AOF file" (a failed write or fsync while appendonly is on).
   */
  private applyWriteError(): void {
    const why = !this.enabled ? '' : !this.lastWriteOk ? this.writeError : this.fsyncError;
    const x = this.srv.engine.x;
    if (!why) {
      x.setAofWriteError(0, 0);
      return;
    }
    const b = Buffer.from(why, 'utf8');
    const p = x.rdbAlloc(b.length) >>> 0;
    this.srv.engine.bytes().set(b, p);
    x.setAofWriteError(p, b.length);
    x.rdbFree(p);
  }

  /** Runs a rewrite from the next cron tick (after an EXEC, or once a BGSAVE ends). */
  scheduleRewrite(): void { this.rewriteScheduled = true; }

  /** appendonly yes (startup without files, or CONFIG SET): a first rewrite creates the base. */
  enable(): boolean {
    if (this.enabled) return true;
    this.srv.engine.x.setPropEnabled(1);
    this.enabled = true;
    // New files: an old write error is history.
    this.lastWriteOk = true;
    this.fsyncError = '';
    this.applyWriteError();
    if (!this.rewrite()) {
      this.disable();
      return false;
    }
    return true;
  }

  /** appendonly no: stop writing (after a last fsync), keep the files. */
  disable(): void {
    // Redis kills the rewriting child.
    this.stopRewrite('appendonly no', false);
    if (this.fd >= 0) {
      this.drain();
      const fs = requireFs();
      try { fs.fsyncSync(this.fd); } catch { /* closing anyway */ }
      fs.closeSync(this.fd);
      this.fd = -1;
    }
    this.enabled = false;
    this.pending = [];
    this.pendingBytes = 0;
    this.srv.engine.x.setPropEnabled(0);
    // With the AOF off its errors refuse nothing (aof_state == AOF_OFF);
    // INFO still shows the last status.
    this.applyWriteError();
  }

  /** SHUTDOWN: what is written is fsynced. */
  close(): void {
    if (this.fd < 0) return;
    this.drain();
    const fs = requireFs();
    try { fs.fsyncSync(this.fd); } catch { /* exiting */ }
  }

  // ---- loading ---------------------------------------------------------------------------

  /**
   * Startup with appendonly yes: loads the manifest's files in order (the
   * base, then the incr files) and opens the last incr file for appends;
   * with no manifest, creates the files by a first rewrite. Throws an
   * AofError (with Redis's message) when the files cannot be loaded.
   */
  async start(): Promise<void> {
    const fs = requireFs();
    if (!this.exists()) {
      this.enable();
      return;
    }
    const rdb = this.srv.rdb;
    rdb.loading = true;
    try {
      await this.loadAll(fs);
    } finally {
      rdb.loading = false;
      this.srv.engine.x.setLoading(0);
    }
  }

  /**
   * Startup, before the port opens: with AOF files to load the server is
   * loading from this moment (clients get -LOADING, INFO says loading:1).
   */
  prepareStartupLoad(): boolean {
    if (!this.exists()) return false;
    this.srv.rdb.loading = true;
    this.srv.engine.x.setLoading(1);
    return true;
  }

  private async loadAll(fs: typeof import('node:fs')): Promise<void> {
    const started = Date.now();
    const dir = this.dirPath();
    const files = parseManifest(fs.readFileSync(this.manifestPath(), 'latin1'));
    const base = files.find((f) => f.type === 'b');
    const incrs = files.filter((f) => f.type === 'i').sort((a, b) => a.seq - b.seq);
    if (!base && incrs.length === 0) throw new AofError('Found an empty AOF manifest');
    const x = this.srv.engine.x;
    x.setPropEnabled(0);
    try {
      await this.loadFiles(dir, base, incrs);
    } finally {
      if (this.loadClient) this.srv.dropFakeClient(this.loadClient);
      this.loadClient = null;
    }
    let total = 0;
    for (const f of [...(base ? [base] : []), ...incrs]) total += fs.statSync(nodePath!.join(dir, f.name)).size;
    this.files = files;
    const last = incrs[incrs.length - 1];
    this.srv.log('notice', `DB loaded from append only file: ${((Date.now() - started) / 1000).toFixed(3)} seconds`);
    if (last) {
      this.srv.log('notice', `Opening AOF incr file ${last.name} on server start`);
      this.fd = fs.openSync(nodePath!.join(dir, last.name), 'a');
    } else {
      const seq = this.nextSeq('i');
      const incrName = `${this.fileName()}.${seq}.incr.aof`;
      this.fd = fs.openSync(nodePath!.join(dir, incrName), 'a');
      this.files = [...files, { name: incrName, seq, type: 'i' }];
      this.writeManifest(this.files);
    }
    this.currentSize = total;
    this.baseSize = base ? fs.statSync(nodePath!.join(dir, base.name)).size : 0;
    this.enabled = true;
    x.setPropEnabled(1);
  }

  /**
   * The base, then the incr files, giving the event loop a turn between
   * chunks: clients connected meanwhile get -LOADING for what cannot run
   * while loading, as in Redis.
   */
  private async loadFiles(dir: string, base: FileInfo | undefined, incrs: FileInfo[]): Promise<void> {
    const fs = requireFs();
    const x = this.srv.engine.x;
    if (base) {
      const path = nodePath!.join(dir, base.name);
      if (!fs.existsSync(path)) throw new AofError(`The AOF file ${base.name} doesn't exist`);
      const t0 = Date.now();
      const fd = fs.openSync(path, 'r');
      const magic = Buffer.alloc(5);
      fs.readSync(fd, magic, 0, 5, 0);
      fs.closeSync(fd);
      if (magic.toString('latin1') === 'REDIS') {
        this.srv.log('notice', 'Reading RDB base file on AOF loading...');
        const r = await this.srv.rdb.loadFile(path);
        x.setLoading(1);
        this.srv.log('notice', 'RDB is base AOF');
        this.srv.log('notice', `Done loading RDB, keys loaded: ${r.keys}, keys expired: ${r.expired}.`);
      } else {
        this.loadClient = this.loaderClient();
        await this.replayFile(base.name, path, fs.readFileSync(path), false);
      }
      this.srv.log('notice', `DB loaded from base file ${base.name}: ${((Date.now() - t0) / 1000).toFixed(3)} seconds`);
    }
    // Made after an RDB base has loaded (its load resets the engine's clients' state).
    if (!this.loadClient) this.loadClient = this.loaderClient();
    for (let i = 0; i < incrs.length; i++) {
      const f = incrs[i];
      const path = nodePath!.join(dir, f.name);
      if (!fs.existsSync(path)) throw new AofError(`The AOF file ${f.name} doesn't exist`);
      const t0 = Date.now();
      await this.replayFile(f.name, path, fs.readFileSync(path), i === incrs.length - 1);
      this.srv.log('notice', `DB loaded from incr file ${f.name}: ${((Date.now() - t0) / 1000).toFixed(3)} seconds`);
    }
  }

  /** The fake client a load runs on: past LOADING, maxmemory and MISCONF, as Redis's AOF client. */
  private loaderClient(): HostClient {
    const c = this.srv.fakeClient();
    const x = this.srv.engine.x;
    x.setClientFlags(c.slot, x.clientFlags(c.slot) | CF_LOADER);
    return c;
  }

  /** Runs one file's commands through the engine as a client of its own. */
  private async replayFile(name: string, path: string, buf: Buffer, isLast: boolean): Promise<void> {
    const notes: [number, number][] = [];
    const scan = scanCommands(buf, 0, notes);
    if (scan.bad) {
      throw new AofError(`Bad file format reading the append only file ${name}: make a backup of your AOF file, ` +
        'then use ./redis-check-aof --fix <filename.manifest>');
    }
    let end = buf.length;
    if (scan.torn) {
      if (!isLast || !this.srv.config.getBool('aof-load-truncated')) {
        throw new AofError(`Unexpected end of file reading the append only file ${name}. You can: ` +
          '1) Make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>. ' +
          '2) Alternatively you can set the \'aof-load-truncated\' configuration option to yes and restart the server.');
      }
      this.srv.log('warning', `!!! Warning: short read while loading the AOF file ${name}!!!`);
      this.srv.log('warning', `!!! Truncating the AOF ${name} at offset ${scan.end} !!!`);
      requireFs().truncateSync(path, scan.end);
      this.srv.log('warning', `AOF ${name} loaded anyway because aof-load-truncated is enabled`);
      end = scan.end;
    }
    // aof-timestamp-enabled's "#TS:<unix>" lines are annotations, not commands.
    let from = 0;
    for (const [a, b] of notes) {
      if (a >= end) break;
      await this.replayChunks(buf.subarray(from, a));
      from = b;
    }
    await this.replayChunks(buf.subarray(from, end));
  }

  /** replay() a megabyte at a time, letting clients in between (they get -LOADING). */
  private async replayChunks(bytes: Buffer): Promise<void> {
    const CHUNK = 1 << 20;
    for (let off = 0; off < bytes.length; off += CHUNK) {
      this.replay(bytes.subarray(off, Math.min(bytes.length, off + CHUNK)));
      if (off + CHUNK < bytes.length) await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  /** Feeds complete commands to a fake engine client; host commands are run by the host. */
  replay(bytes: Buffer): void {
    const srv = this.srv;
    const engine = srv.engine;
    const own = this.loadClient === null;
    const c = this.loadClient ?? srv.fakeClient();
    try {
      const CHUNK = 1 << 20;
      for (let off = 0; off < bytes.length; off += CHUNK) {
        const part = bytes.subarray(off, Math.min(bytes.length, off + CHUNK));
        const st = engine.feed(c.slot, part, srv.clock.now());
        engine.takeOutput();
        srv.runHandoffsQuietly(c, st);
      }
    } finally {
      if (own) srv.dropFakeClient(c);
    }
  }

  /** The one client a whole load runs on (SELECT carries from file to file, as Redis's fake client). */
  private loadClient: HostClient | null = null;
}
