// Persistence for the embedded store: when a snapshot is taken (save(),
// save points, close), where it is kept (a data directory in Node,
// IndexedDB in a browser, or a store of your own), and loading it at open.
//
// What the bytes are is the codec's business. The default codec is RDB,
// Redis's own format, so that a file written embedded loads in the server
// and in real Redis and back; a caller may pass a `snapshot` codec of its own.
import type { Vermilion, OpenOptions } from './vermilion.js';
import type { EmbeddedCore } from './store.js';
import { VermilionError } from './errors.js';
import { nodeFs, nodePath, pid } from '../host/platform.js';

/** Turns a store's dataset into bytes and back. */
export interface SnapshotCodec {
  /** For log lines ("rdb"). */
  readonly name: string;
  /** The dataset of every database, read through `db` (a handle of its own). */
  encode(db: Vermilion): Uint8Array | Promise<Uint8Array>;
  /** Loads bytes from encode() into the (empty) store behind `db`. */
  decode(db: Vermilion, bytes: Uint8Array): void | Promise<void>;
}

/** Where snapshot bytes are kept between runs. */
export interface SnapshotStore {
  /** For log lines and errors. */
  readonly where: string;
  /** The last snapshot written, or null when there is none. */
  read(): Promise<Uint8Array | null>;
  /** Replaces the snapshot, atomically: a crash leaves the old one or the new one. */
  write(bytes: Uint8Array): Promise<void>;
}

/** The default codec is Redis's RDB, written and read by the engine (assembly/persist/rdb.ts). */
export const RDB_AVAILABLE = true;

/** The core behind a handle (the codec needs the engine, which handles keep to themselves). */
function coreOf(db: Vermilion): EmbeddedCore {
  return (db as unknown as { shared: { core: EmbeddedCore } }).shared.core;
}

/**
 * RDB, Redis's format: what SAVE, DUMP and the server's dump.rdb use, so a
 * snapshot taken embedded loads in the server and in real Redis, and back.
 */
export const RDB_CODEC: SnapshotCodec = {
  name: 'rdb',
  encode(db: Vermilion): Uint8Array {
    const snap = coreOf(db).rdb.serialize();
    const out = new Uint8Array(snap.bytes);
    let at = 0;
    for (const c of snap.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  },
  decode(db: Vermilion, bytes: Uint8Array): void {
    try {
      coreOf(db).rdb.loadBytes(bytes);
    } catch (err: any) {
      throw new VermilionError('EINVAL', `the snapshot is not a valid RDB file: ${err?.message ?? err}`);
    }
  },
};

// ---- stores ------------------------------------------------------------------------

/** dir/dbfilename, written as Redis writes it: a temp file in the same directory, then rename. */
export class FileSnapshotStore implements SnapshotStore {
  readonly where: string;

  constructor(private dir: string, private file: string) {
    if (!nodeFs || !nodePath) throw new VermilionError('ENOTSUP', '`dir` needs a file system (Node); in a browser use persist: "indexeddb"');
    this.where = nodePath.join(dir, file);
  }

  async read(): Promise<Uint8Array | null> {
    try {
      return new Uint8Array(await nodeFs!.promises.readFile(this.where));
    } catch (err: any) {
      if (err?.code === 'ENOENT') return null;
      throw err;
    }
  }

  async write(bytes: Uint8Array): Promise<void> {
    const tmp = nodePath!.join(this.dir, `temp-${pid()}.rdb`);
    const fh = await nodeFs!.promises.open(tmp, 'w');
    try {
      await fh.writeFile(bytes);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await nodeFs!.promises.rename(tmp, this.where);
  }
}

const IDB_NAME = 'vermilion';
const IDB_STORE = 'snapshots';

/** One IndexedDB record per store name, in the "vermilion" database's "snapshots" object store. */
export class IndexedDbSnapshotStore implements SnapshotStore {
  readonly where: string;

  constructor(private name: string) {
    if (typeof indexedDB === 'undefined') throw new VermilionError('ENOTSUP', 'persist: "indexeddb" needs IndexedDB (a browser)');
    this.where = `indexeddb:${IDB_NAME}/${IDB_STORE}/${name}`;
  }

  private open(): Promise<IDBDatabase> {
    return new Promise((resolve, reject) => {
      const req = indexedDB.open(IDB_NAME, 1);
      req.onupgradeneeded = () => req.result.createObjectStore(IDB_STORE);
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
  }

  async read(): Promise<Uint8Array | null> {
    const idb = await this.open();
    try {
      return await new Promise((resolve, reject) => {
        const req = idb.transaction(IDB_STORE, 'readonly').objectStore(IDB_STORE).get(this.name);
        req.onsuccess = () => resolve(req.result instanceof Uint8Array ? req.result : null);
        req.onerror = () => reject(req.error);
      });
    } finally {
      idb.close();
    }
  }

  async write(bytes: Uint8Array): Promise<void> {
    const idb = await this.open();
    try {
      await new Promise<void>((resolve, reject) => {
        // One put in one transaction: IndexedDB commits it whole or not at all.
        const tx = idb.transaction(IDB_STORE, 'readwrite');
        tx.objectStore(IDB_STORE).put(bytes, this.name);
        tx.oncomplete = () => resolve();
        tx.onerror = () => reject(tx.error);
        tx.onabort = () => reject(tx.error);
      });
    } finally {
      idb.close();
    }
  }
}

// ---- when to save ------------------------------------------------------------------

// Redis retries a failed background save after this long (CONFIG_BGSAVE_RETRY_DELAY).
const RETRY_DELAY_MS = 5000;

export class Persistence {
  /** The engine's change counter at the last save or load (Redis's server.dirty restarts there). */
  private dirtyAtSave = 0;
  private lastSave: number;
  private lastFailure = 0;
  private saving: Promise<Uint8Array> | null = null;
  private owner: Vermilion | null = null;

  constructor(private core: EmbeddedCore, private codec: SnapshotCodec, private store: SnapshotStore | null,
    private initial: Uint8Array | null) {
    this.lastSave = core.clock.now();
  }

  private dirty(): number { return this.core.engine.x.dirtyCount(); }

  /** At open: the given bytes, else the store's last snapshot. */
  async load(owner: Vermilion): Promise<void> {
    this.owner = owner;
    const bytes = this.initial ?? (this.store ? await this.store.read() : null);
    this.initial = null;
    if (bytes) {
      const h = owner.duplicate();
      try {
        await this.codec.decode(h, bytes);
      } finally {
        await h.close();
      }
      this.core.log('notice', `DB loaded from ${this.store?.where ?? 'bytes'} (${bytes.length} bytes, ${this.codec.name})`);
    }
    this.dirtyAtSave = this.dirty();
    this.lastSave = this.core.clock.now();
    if (this.store) this.core.onCronTick = () => this.tick();
  }

  async snapshot(_db: Vermilion): Promise<Uint8Array> {
    const h = (this.owner ?? _db).duplicate();
    try {
      return await this.codec.encode(h);
    } finally {
      await h.close();
    }
  }

  /** A snapshot, written to the store when there is one. One save at a time. */
  save(db: Vermilion): Promise<Uint8Array> {
    this.saving ??= (async () => {
      const dirty = this.dirty();
      try {
        const bytes = await this.snapshot(db);
        if (this.store) await this.store.write(bytes);
        this.dirtyAtSave = dirty;
        this.lastSave = this.core.clock.now();
        if (this.store) this.core.log('notice', `DB saved on ${this.store.where}`);
        return bytes;
      } catch (err) {
        this.lastFailure = this.core.clock.now();
        throw err;
      } finally {
        this.saving = null;
      }
    })();
    return this.saving;
  }

  /** At close: a last save when something changed since the last one (SHUTDOWN's default). */
  async saveOnClose(db: Vermilion): Promise<void> {
    if (this.saving) await this.saving.catch(() => {});
    if (!this.store || this.dirty() === this.dirtyAtSave || this.core.config.savePoints().length === 0) return;
    await this.save(db);
  }

  /** Each cron tick: the `save` points (seconds, changes), as Redis's serverCron checks them. */
  private tick(): void {
    if (this.saving || !this.owner) return;
    const now = this.core.clock.now();
    if (this.lastFailure && now - this.lastFailure < RETRY_DELAY_MS) return;
    const changes = this.dirty() - this.dirtyAtSave;
    if (changes <= 0) return;
    for (const [secs, need] of this.core.config.savePoints()) {
      if (changes >= need && now - this.lastSave >= secs * 1000) {
        this.core.log('notice', `${need} changes in ${secs} seconds. Saving...`);
        this.save(this.owner).catch((err) => this.core.log('warning', `Save failed: ${err?.message ?? err}`));
        return;
      }
    }
  }
}

/** The persistence the options ask for, or null. */
export function persistenceFor(core: EmbeddedCore, opts: OpenOptions): Persistence | null {
  if (!opts.rdb && !opts.dir && !opts.persist && !opts.store && !opts.snapshot) return null;
  const codec = opts.snapshot ?? RDB_CODEC;
  let store: SnapshotStore | null = opts.store ?? null;
  if (!store && opts.dir) {
    nodeFs?.mkdirSync(opts.dir, { recursive: true });
    core.config.set('dir', opts.dir);
    store = new FileSnapshotStore(core.config.get('dir'), core.config.get('dbfilename'));
  }
  if (!store && opts.persist === 'indexeddb') store = new IndexedDbSnapshotStore(opts.name ?? 'default');
  if (!store && opts.persist) throw new VermilionError('EINVAL', `unknown persist option '${opts.persist}'`);
  return new Persistence(core, codec, store, opts.rdb ?? null);
}
