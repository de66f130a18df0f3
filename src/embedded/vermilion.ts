// The embedded API: a store opened in-process (Vermilion.open), handles on
// it (one connection each), pipelines, and the Node-only extras (an
// in-process RESP stream for existing clients, an IPC endpoint).
//
// Every handle is one engine client, so SELECT, HELLO, CLIENT SETNAME and
// the rest keep per-handle state exactly as per-connection state in Redis.
import { Engine, wasmPath } from '../engine/engine.js';
import { Config } from '../host/config.js';
import type { Clock } from '../host/clock.js';
import { nodeFs } from '../host/platform.js';
import { EmbeddedCore, ApiClient } from './store.js';
import { loadScripting } from './lua.js';
import { Subscription, SubscriptionKind, Listener } from './subscription.js';
import { Arg, ReplyValue } from './resp.js';
import { ReplyError, VermilionError } from './errors.js';
import { METHOD_NAMES, CommandMethods } from './methods.gen.js';
import { Persistence, SnapshotCodec, SnapshotStore, persistenceFor, RDB_CODEC } from './persist.js';
import { EmbeddedSocket, openConnection, ioredisConnector, listenIpc } from './connection.js';

export interface OpenOptions {
  /**
   * The engine: .wasm bytes, a compiled WebAssembly.Module, or where to get
   * it (a URL to fetch in a browser; a file path or file: URL in Node). In
   * Node the package's own build/engine.wasm by default.
   */
  wasm?: BufferSource | WebAssembly.Module | URL | string;
  /** The debug build (bounds checks, asserts): slower; for tests of the engine itself. */
  debug?: boolean;
  /** Any redis.conf parameter, applied at open (`databases`, `maxmemory`, `hz`, `save`...). */
  config?: Record<string, string | number>;
  /** Shortcut for config.databases (16 by default). */
  databases?: number;
  /** The database the first handle selects (ioredis's `db`). */
  db?: number;
  /** RESP protocol of the handles: 2 (default, as ioredis) or 3 (maps, sets, doubles, booleans). */
  protocol?: 2 | 3;
  /** Bulk replies as Uint8Array instead of UTF-8 text (per call: callBuffer). */
  buffers?: boolean;
  /** The time the store sees: the real clock by default, or a ManualClock that tests advance. */
  clock?: Clock;
  /** Log lines (level, message); silent by default. */
  log?: (level: string, msg: string) => void;
  /** Fixed hash and random seeds (reproducible runs); random by default. */
  hashSeed?: number;
  randomSeed?: bigint;
  /**
   * Lua scripting (EVAL, FUNCTION, FCALL). By default the Lua VM loads in
   * the background after open: asynchronous calls that script wait for it,
   * synchronous ones made before it is ready get an error. `true`: open()
   * resolves only once it is loaded (Vermilion.open only). `false`: no VM.
   */
  lua?: boolean;

  // ---- persistence (see src/embedded/persist.ts) ----
  /** Snapshot bytes to load at open (RDB, once the serializer exists: issue 5). */
  rdb?: Uint8Array;
  /** Node: the data directory; dir/dbfilename is loaded at open and written by save() and save points. */
  dir?: string;
  /** Browser: keep the snapshot in IndexedDB under `name`. */
  persist?: 'indexeddb';
  /** The IndexedDB key ('default' when absent). */
  name?: string;
  /** How the dataset becomes bytes and back: the RDB codec by default. */
  snapshot?: SnapshotCodec;
  /** Where snapshots are kept, overriding `dir` / `persist`. */
  store?: SnapshotStore;
}

export interface CallOptions {
  buffers?: boolean;
}

/** ioredis's pipeline result: [error or null, reply] per command. */
export type PipelineResult = [ReplyError | null, any][];

/** What a store's handles share. */
interface Shared {
  core: EmbeddedCore;
  persistence: Persistence | null;
  handles: Set<Vermilion>;
  options: OpenOptions;
  /** The handle Vermilion.open returned: closing it closes the store. */
  owner: Vermilion | null;
  /** IPC endpoints from listen(), closed with the store. */
  servers: { close(): unknown }[];
  closing: Promise<void> | null;
}

// Compiled modules by source, so that opening a second store costs an
// instantiation only.
const moduleCache = new Map<string, WebAssembly.Module>();

/** Where the engine comes from when `wasm` is not given (the browser build sets it). */
let defaultWasm: OpenOptions['wasm'] = undefined;

/** Sets the engine source used when `open()` gets no `wasm` (src/embedded/browser.ts). */
export function setDefaultWasm(src: OpenOptions['wasm']): void {
  defaultWasm = src;
}

function isModuleOrBytes(x: unknown): x is WebAssembly.Module | BufferSource {
  return x instanceof WebAssembly.Module || ArrayBuffer.isView(x) || x instanceof ArrayBuffer;
}

async function loadModule(opts: OpenOptions): Promise<WebAssembly.Module | BufferSource> {
  const given = opts.wasm ?? defaultWasm;
  if (given === undefined) return moduleSync(opts);
  if (isModuleOrBytes(given)) return given;
  const src = given as URL | string;
  const key = String(src);
  const hit = moduleCache.get(key);
  if (hit) return hit;
  let mod: WebAssembly.Module;
  if (nodeFs && (src instanceof URL ? src.protocol === 'file:' : !/^(https?|data|blob):/i.test(key))) {
    mod = new WebAssembly.Module(nodeFs.readFileSync(src instanceof URL ? src : key));
  } else {
    const res = await fetch(src);
    if (!res.ok) throw new VermilionError('EINVAL', `could not fetch the engine from ${key}: HTTP ${res.status}`);
    mod = typeof WebAssembly.compileStreaming === 'function' && res.headers.get('content-type') === 'application/wasm'
      ? await WebAssembly.compileStreaming(res)
      : await WebAssembly.compile(await res.arrayBuffer());
  }
  moduleCache.set(key, mod);
  return mod;
}

function moduleSync(opts: OpenOptions): WebAssembly.Module | BufferSource {
  const given = opts.wasm ?? defaultWasm;
  if (given === undefined) {
    if (!nodeFs) throw new VermilionError('EINVAL', 'pass the engine as `wasm` (bytes, a module or a URL): there is no file system to read it from');
    const path = wasmPath(opts.debug);
    let mod = moduleCache.get(path);
    if (!mod) moduleCache.set(path, mod = new WebAssembly.Module(nodeFs.readFileSync(path)));
    return mod;
  }
  if (isModuleOrBytes(given)) return given;
  const src = given as URL | string;
  if (!nodeFs) throw new VermilionError('EINVAL', 'a wasm URL needs Vermilion.open (it is fetched)');
  const key = String(src);
  let mod = moduleCache.get(key);
  if (!mod) moduleCache.set(key, mod = new WebAssembly.Module(nodeFs.readFileSync(src instanceof URL ? src : key)));
  return mod;
}

function throwIfError(v: ReplyValue, args: ArrayLike<Arg>): any {
  if (v instanceof ReplyError) {
    v.command = { name: String(args[0]).toLowerCase(), args: Array.prototype.slice.call(args, 1) };
    throw v;
  }
  return v;
}

class VermilionBase {
  /** @internal */
  protected readonly shared: Shared;
  /** @internal */
  protected readonly conn: ApiClient;
  private readonly buffers: boolean;
  private syncMethods: CommandMethods<any> | null = null;

  /** @internal use Vermilion.open */
  protected constructor(shared: Shared, db: number) {
    this.shared = shared;
    this.buffers = shared.options.buffers ?? false;
    this.conn = new ApiClient(shared.core);
    const x = shared.core.engine.x;
    if (shared.options.protocol === 3) x.setClientProto(this.conn.c.slot, 3);
    if (db) this.callSync('SELECT', db);
    shared.handles.add(this as unknown as Vermilion);
    this.conn.onClose = () => shared.handles.delete(this as unknown as Vermilion);
  }

  // ---- calls -------------------------------------------------------------------

  /** Runs a command; resolves with its reply, rejects with a ReplyError for an error reply. */
  async call(...args: Arg[]): Promise<any> {
    return this.callWith(args, this.buffers);
  }

  /** call(), with bulk replies as Uint8Array. */
  async callBuffer(...args: Arg[]): Promise<any> {
    return this.callWith(args, true);
  }

  private async callWith(args: Arg[], buffers: boolean): Promise<any> {
    const r = this.conn.run(args, buffers, true);
    if (r instanceof Promise) return throwIfError((await r)[0], args);
    return throwIfError(r, args);
  }

  /**
   * Runs a command synchronously and returns its reply (throws a
   * ReplyError). A blocking command that finds nothing answers as on
   * timeout at once, as Redis runs one inside MULTI.
   */
  callSync(...args: Arg[]): any {
    return throwIfError(this.conn.run(args, this.buffers, false) as ReplyValue, args);
  }

  /** callSync(), with bulk replies as Uint8Array. */
  callBufferSync(...args: Arg[]): any {
    return throwIfError(this.conn.run(args, true, false) as ReplyValue, args);
  }

  /** Runs a command synchronously; returns the reply's raw RESP bytes (errors included, not thrown). */
  callRawSync(...args: Arg[]): Uint8Array {
    return this.conn.runRaw(args);
  }

  /** Every command as a synchronous method: `db.sync.incr('n')`. */
  get sync(): CommandMethods<any> {
    if (!this.syncMethods) {
      const m: Record<string, (...args: Arg[]) => any> = {};
      for (const name of METHOD_NAMES) {
        const upper = name.toUpperCase();
        const conn = this.conn;
        const buffers = this.buffers;
        m[name] = (...args: Arg[]) => {
          const v = conn.run(args, buffers, false, upper) as ReplyValue;
          return v instanceof ReplyError ? throwIfError(v, [upper, ...args]) : v;
        };
      }
      this.syncMethods = m as unknown as CommandMethods<any>;
    }
    return this.syncMethods;
  }

  /** A pipeline: queue commands, then exec() them in one pass. */
  pipeline(commands: Arg[][] = [], opts: CallOptions = {}): Pipeline {
    return new Pipeline(this.conn, opts.buffers ?? this.buffers, commands);
  }

  /**
   * A transaction (ioredis's multi()): the queued commands run between
   * MULTI and EXEC in one pass. exec() resolves with [error, reply] per
   * command, with null when a WATCHed key changed, and rejects with the
   * EXECABORT error when a command was refused while queuing.
   */
  multi(commands: Arg[][] = [], opts: CallOptions = {}): Transaction {
    return new Transaction(this.conn, opts.buffers ?? this.buffers, commands);
  }

  // ---- handles -------------------------------------------------------------------

  /** Another handle (its own connection) on the same store, in database `db`. */
  database(db: number): Vermilion {
    return new (Vermilion as any)(this.shared, db);
  }

  // ---- pub/sub ---------------------------------------------------------------------

  /**
   * Subscribes to channels on a connection of its own; messages go to
   * `listener` (if given), to `sub.on(fn)` listeners and to
   * `for await (const { channel, message } of sub)`.
   */
  subscribe(channels: Arg | Arg[], listener?: Listener): Subscription {
    return this.subscription('channel', channels, listener);
  }

  /** PSUBSCRIBE: messages of every channel matching the glob patterns (listener gets the pattern third). */
  psubscribe(patterns: Arg | Arg[], listener?: Listener): Subscription {
    return this.subscription('pattern', patterns, listener);
  }

  /** SSUBSCRIBE: shard channels (SPUBLISH). */
  ssubscribe(channels: Arg | Arg[], listener?: Listener): Subscription {
    return this.subscription('shard', channels, listener);
  }

  private subscription(kind: SubscriptionKind, names: Arg | Arg[], listener?: Listener): Subscription {
    const sub = new Subscription<string>(this.shared.core, kind, this.buffers);
    if (listener) sub.on(listener);
    try {
      sub.subscribe(...(Array.isArray(names) ? names : [names]));
    } catch (err) {
      sub.close();
      throw err;
    }
    return sub;
  }

  /** Another handle on the same store, in database 0 (ioredis's duplicate()). */
  duplicate(): Vermilion {
    return this.database(this.shared.options.db ?? 0);
  }

  // ---- connections for existing clients (Node) --------------------------------------

  /**
   * An in-process connection: a Duplex stream speaking RESP to the store,
   * as a socket to the server would. For clients that take a stream.
   */
  connection(name = 'embedded'): EmbeddedSocket {
    return openConnection(this.shared.core, name);
  }

  /** ioredis's `Connector` option: `new Redis({ Connector: db.ioredisConnector() })`, no TCP. */
  ioredisConnector(): new (options: unknown) => unknown {
    return ioredisConnector(this.shared.core);
  }

  /**
   * Serves the store on an IPC path (a Unix socket; a named pipe on
   * Windows) for clients that only connect by address, such as node-redis
   * (`socket: { path }`). Resolves with the path once listening.
   */
  async listen(path: string): Promise<string> {
    const server = await listenIpc(this.shared.core, path);
    this.shared.servers.push(server);
    return path;
  }

  /** The clock the store runs on. */
  get clock(): Clock { return this.shared.core.clock; }

  /** True until close(). */
  get isOpen(): boolean { return this.conn.open && !this.shared.core.closed; }

  // ---- persistence ---------------------------------------------------------------

  /** The dataset as snapshot bytes: RDB, or the configured `snapshot` codec's format. */
  async snapshot(): Promise<Uint8Array> {
    const p = this.shared.persistence;
    return p ? p.snapshot(this as unknown as Vermilion) : RDB_CODEC.encode(this as unknown as Vermilion);
  }

  /**
   * Writes a snapshot where the store keeps them (dir, IndexedDB) and
   * returns its bytes; with nowhere configured, just the RDB bytes.
   */
  async save(): Promise<Uint8Array> {
    const p = this.shared.persistence;
    return p ? p.save(this as unknown as Vermilion) : RDB_CODEC.encode(this as unknown as Vermilion);
  }

  // ---- closing ---------------------------------------------------------------------

  /**
   * Closes this handle's connection. On the handle Vermilion.open returned,
   * closes the store: every handle, its timers, and (with `dir`, `persist`
   * or `store`) a last save when something changed, as SHUTDOWN does.
   */
  async close(): Promise<void> {
    if (this !== (this.shared.owner as unknown)) {
      this.conn.close();
      return;
    }
    const shared = this.shared;
    shared.closing ??= (async () => {
      try {
        if (shared.persistence && !shared.core.closed) await shared.persistence.saveOnClose(this as unknown as Vermilion);
      } finally {
        for (const s of shared.servers) s.close();
        shared.core.close();
      }
    })();
    return shared.closing;
  }
}

/** The command methods every handle and pipeline has (db.set, db.get, ...), from the command table. */
type Methods<R> = Omit<CommandMethods<R>, keyof VermilionBase>;

export interface Vermilion extends Methods<Promise<any>> {}

export class Vermilion extends VermilionBase {
  /** Opens a store: loads the engine, applies the options, loads a snapshot if one is configured. */
  static async open(opts: OpenOptions = {}): Promise<Vermilion> {
    const wasm = await loadModule(opts);
    const db = Vermilion.build({ ...opts, wasm });
    const shared = db.shared;
    try {
      if (opts.lua === true) await shared.core.scriptingReady;
      shared.persistence = persistenceFor(shared.core, opts);
      await shared.persistence?.load(db);
    } catch (err) {
      shared.core.close();
      throw err;
    }
    return db;
  }

  /**
   * Opens a store synchronously (Node, or with `wasm` as bytes or a module).
   * Snapshots are not loaded: use open() for `rdb`, `dir` or `persist`.
   */
  static openSync(opts: OpenOptions = {}): Vermilion {
    if (opts.rdb || opts.dir || opts.persist || opts.store) {
      throw new VermilionError('EINVAL', 'loading a snapshot is asynchronous: use Vermilion.open');
    }
    return Vermilion.build({ ...opts, wasm: moduleSync(opts) });
  }

  private static build(opts: OpenOptions): Vermilion {
    const config = new Config();
    const settings: Record<string, string | number> = { ...(opts.config ?? {}) };
    if (opts.databases !== undefined) settings.databases = opts.databases;
    for (const [k, v] of Object.entries(settings)) config.set(k, String(v));
    const engine = new Engine({
      databases: config.getInt('databases'),
      wasm: opts.wasm as BufferSource | WebAssembly.Module,
      hashSeed: opts.hashSeed, randomSeed: opts.randomSeed,
    });
    const core = new EmbeddedCore({ config, engine, clock: opts.clock, log: opts.log });
    const lua = opts.lua === false ? null : loadScripting(core);
    if (lua) core.enableScripting(lua);
    const shared: Shared = { core, persistence: null, handles: new Set(), options: opts, owner: null, servers: [], closing: null };
    const db: Vermilion = new (Vermilion as any)(shared, opts.db ?? 0);
    shared.owner = db;
    core.onShutdown = () => { void db.close(); };
    return db;
  }
}

/**
 * Commands queued and run in one pass (ioredis's pipeline): exec()
 * resolves with [error, reply] per command; nothing runs before exec().
 */
export class Pipeline {
  private readonly cmds: Arg[][];

  /** @internal */
  constructor(private readonly conn: ApiClient, private readonly buffers: boolean, commands: Arg[][]) {
    this.cmds = commands.slice();
  }

  /** Queues a command by name. */
  call(...args: Arg[]): this {
    this.cmds.push(args);
    return this;
  }

  get length(): number { return this.cmds.length; }

  async exec(): Promise<PipelineResult> {
    return this.pair(await this.runRaw(this.cmds, false));
  }

  /** exec(), synchronously (blocking commands answer as on timeout). */
  execSync(): PipelineResult {
    return this.pair(this.runRaw(this.cmds, true) as ReplyValue[]);
  }

  /** @internal the queued commands. */
  protected queued(): Arg[][] { return this.cmds; }

  /** @internal runs commands, replies as values (errors included). */
  protected runRaw(cmds: Arg[][], sync: boolean): ReplyValue[] | Promise<ReplyValue[]> {
    return this.conn.runMany(cmds, this.buffers, !sync);
  }

  private pair(values: ReplyValue[]): PipelineResult {
    return values.map((v, i) => {
      if (!(v instanceof ReplyError)) return [null, v];
      v.command = { name: String(this.cmds[i][0]).toLowerCase(), args: this.cmds[i].slice(1) };
      return [v, null];
    });
  }
}

export interface Pipeline extends Omit<CommandMethods<Pipeline>, 'exec'> {}

/** A pipeline wrapped in MULTI / EXEC (see Vermilion.multi). */
export class Transaction extends Pipeline {
  async exec(): Promise<PipelineResult> {
    return this.unwrap(await this.execWrapped(false));
  }

  execSync(): PipelineResult {
    return this.unwrap(this.execWrapped(true) as ReplyValue[]);
  }

  private execWrapped(sync: boolean): ReplyValue[] | Promise<ReplyValue[]> {
    const cmds = [['MULTI'], ...this.queued(), ['EXEC']];
    return this.runRaw(cmds, sync);
  }

  private unwrap(replies: ReplyValue[]): PipelineResult {
    const queued = this.queued();
    const exec = replies[replies.length - 1];
    if (exec instanceof ReplyError) {
      // EXECABORT: say which commands were refused, as ioredis does.
      (exec as ReplyError & { previousErrors?: ReplyError[] }).previousErrors =
        replies.slice(1, -1).filter((r): r is ReplyError => r instanceof ReplyError);
      exec.command = { name: 'exec', args: [] };
      throw exec;
    }
    if (exec === null) return null as unknown as PipelineResult;
    return (exec as ReplyValue[]).map((v, i) => {
      if (!(v instanceof ReplyError)) return [null, v];
      v.command = { name: String(queued[i][0]).toLowerCase(), args: queued[i].slice(1) };
      return [v, null];
    });
  }
}

for (const name of METHOD_NAMES) {
  const upper = name.toUpperCase();
  if (!(name in Vermilion.prototype)) {
    Object.defineProperty(Vermilion.prototype, name, {
      value: function (this: Vermilion, ...args: Arg[]) { return this.call(upper, ...args); },
      writable: true, configurable: true,
    });
  }
  if (!(name in Pipeline.prototype)) {
    Object.defineProperty(Pipeline.prototype, name, {
      value: function (this: Pipeline, ...args: Arg[]) { return this.call(upper, ...args); },
      writable: true, configurable: true,
    });
  }
}
