// The closed-loop load driver: a slice of a run's connections, in one thread.
//
// Each connection writes a batch of `pipeline` requests with one write, waits
// for every reply, then writes the next batch (redis-benchmark's model). Each
// op's latency runs from its batch's write to the read that completed its
// last reply. Requests are emitted from precompiled templates into a buffer
// the connection owns; replies are counted by the ReplyScanner straight from
// the socket's read buffer (net's `onread`), so the steady state allocates
// nothing per request.
//
// Phases are absolute times on a clock every thread shares
// (performance.timeOrigin + performance.now()): warm-up (nothing recorded),
// measure, then stop (sockets closed at once; replies still in flight are not
// counted, so blocked BRPOPs cannot hold a run open).
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { Histogram, HistogramData } from './histogram.js';
import { Distribution, KeyGen, makeKeyGen, Rng } from './generator.js';
import { R_ERROR, R_NIL, R_OK, ReplyScanner } from './resp.js';
import { CompiledRole, CompiledWorkload, compileWorkload, customWorkload, roleOf, workloadByName } from './workloads.js';

export interface LoadOptions {
  host: string;
  port: number;
  workload: string;
  /** The command lines of a --command workload. */
  custom?: string[];
  readRatio?: number | null;
  keyspace: number;
  valueSize: number;
  distribution: Distribution;
  zipfTheta: number;
  seed: number;
  /** Connections in the whole run, and the ones (by index) this driver owns. */
  connections: number;
  conns: number[];
  /** This driver's index among `workers` (strides sequential keys). */
  workerIndex: number;
  workers: number;
  pipeline: number;
  /** Ops this driver completes in the measure phase (0: run until the end time). */
  requests: number;
}

export interface LoadResult {
  ops: number;
  commands: number;
  /** Ops whose reply (or one of whose replies) was an error. */
  errors: number;
  errorTexts: Record<string, number>;
  /** Ops by name (e.g. GET and SETEX of cache-aside). */
  perOp: Record<string, number>;
  /** Single-command ops answered with a null (cache misses), by name. */
  nils: Record<string, number>;
  latency: HistogramData;
  /** Pub/sub: messages received by subscribers, and publish-to-delivery latency. */
  delivered: number;
  delivery: HistogramData | null;
  /** Measure phase: first and last instants (shared clock, ms). */
  start: number;
  end: number;
  /** Connections that failed or were closed by the server before the end. */
  dropped: number;
  /** Nothing completed for STALL_MS: the run was cut short. */
  stalled: boolean;
}

const ORIGIN = performance.timeOrigin;
export const now = (): number => ORIGIN + performance.now();

const WARMUP = 0;
const MEASURE = 1;
const STOPPED = 2;
const READ_BUFFER = 1 << 16;
/** A run in which nothing completes for this long is ended and reported as stalled. */
export const STALL_MS = 10000;

/** Everything the connections of one driver share. */
class Shared {
  phase = WARMUP;
  latency = new Histogram();
  delivery = new Histogram();
  ops = 0;
  commands = 0;
  errors = 0;
  delivered = 0;
  perOp: Float64Array;
  nils: Float64Array;
  /** Ops started in the measure phase (requests mode stops issuing at the quota). */
  issued = 0;
  start = 0;
  end = 0;
  dropped = 0;
  /** Replies and messages in any phase (the stall watchdog watches it). */
  completed = 0;
  stalled = false;
  /** Set once the quota is reached or the driver is stopped. */
  onDone: () => void = () => {};

  constructor(readonly w: CompiledWorkload, readonly opts: LoadOptions, readonly keys: KeyGen, readonly rng: Rng, readonly progress: Float64Array | null, readonly slot: number) {
    this.perOp = new Float64Array(w.roles.reduce((a, r) => a + r.ops.length, 0));
    this.nils = new Float64Array(this.perOp.length);
  }

  /**
   * Connections whose batch is complete. Their next batches are written
   * together once this event-loop turn has read everything that was ready
   * (as redis-benchmark writes in its next loop iteration), so the server
   * finds many requests per wake-up instead of being woken for each.
   */
  private ready: Conn[] = [];
  private other: Conn[] = [];
  private flushing = false;
  private readonly flush = (): void => {
    this.flushing = false;
    const list = this.ready;
    this.ready = this.other;
    this.other = list;
    for (let i = 0; i < list.length; i++) list[i].send();
    list.length = 0;
  };

  queue(c: Conn): void {
    this.ready.push(c);
    if (!this.flushing) {
      this.flushing = true;
      setImmediate(this.flush);
    }
  }
}


class Conn {
  sock!: net.Socket;
  readonly scanner = new ReplyScanner();
  readonly out: Buffer;
  /** Ops of the batch in flight, in order. */
  private batch: Int32Array;
  private nBatch = 0;
  private cur = 0;
  private left = 0;
  private curError = false;
  private sentAt = 0;
  /** Variable values per batch slot (kept for cache-aside follow-ups). */
  private vals: Float64Array;
  private follow: Int32Array;
  private followVals: Float64Array;
  private nFollow = 0;
  private readonly nVars: number;
  private readonly opBase: number;
  private readonly draws: (() => number)[];
  private subscribed = false;
  private imsSlot = -1;
  private iseqSlot = -1;
  closed = false;

  constructor(private s: Shared, readonly index: number, readonly role: CompiledRole, opBase: number) {
    const p = s.opts.pipeline;
    const maxLen = Math.max(64, ...role.ops.map((o) => o.template.maxLen), role.subscribe?.maxLen ?? 0);
    this.out = Buffer.alloc(maxLen * p);
    this.batch = new Int32Array(p);
    this.nVars = Math.max(1, s.w.vars.length);
    this.vals = new Float64Array(p * this.nVars);
    this.follow = new Int32Array(p);
    this.followVals = new Float64Array(p * this.nVars);
    this.opBase = opBase;
    this.draws = s.w.vars.map((v) => {
      switch (v.kind) {
        case 'key': return v.n !== undefined ? () => s.rng.below(v.n!) : () => s.keys.next();
        case 'rand': return () => s.rng.below(v.n ?? s.opts.keyspace);
        case 'num': return () => v.min! + s.rng.below(v.max! - v.min! + 1);
        case 'conn': return () => index % (v.n ?? s.opts.keyspace);
        case 'time': return () => Math.round(now() * 1000);
      }
    });
    this.scanner.onReply = role.subscribe ? (k) => this.message(k) : (k) => this.reply(k);
    // A message's payload starts with its 16-digit send time.
    this.scanner.capture = role.subscribe !== null ? 16 : 0;
    // A consumer-group read acks the entry it got: its ID is the 2nd bulk.
    if (role.ops.some((o) => o.onEntry >= 0)) this.scanner.captureNth = 2;
    this.imsSlot = s.w.names.indexOf('ims');
    this.iseqSlot = s.w.names.indexOf('iseq');
  }

  connect(readBuf: Buffer): Promise<void> {
    return new Promise((resolve, reject) => {
      const sock = net.connect({
        host: this.s.opts.host, port: this.s.opts.port,
        onread: { buffer: readBuf, callback: (n: number, buf: Uint8Array) => this.data(buf as Buffer, n) },
      } as net.NetConnectOpts);
      this.sock = sock;
      sock.setNoDelay(true);
      const timer = setTimeout(() => { sock.destroy(); reject(new Error(`${this.s.opts.host}:${this.s.opts.port}: connect timed out`)); }, 10000);
      sock.once('connect', () => {
        clearTimeout(timer);
        sock.removeListener('error', reject);
        sock.on('error', () => this.drop());
        sock.on('close', () => this.drop());
        resolve();
      });
      sock.once('error', (e) => { clearTimeout(timer); reject(e); });
    });
  }

  /** Subscribers subscribe before the run starts, so every publish has its audience. */
  subscribe(): Promise<void> {
    const t = this.role.subscribe!;
    const vals = new Float64Array(this.nVars);
    for (const u of t.uses) vals[u] = this.draws[u]();
    this.sock.write(this.out.subarray(0, t.emit(this.out, 0, vals)));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no reply to SUBSCRIBE within 10 s')), 10000);
      this.onSubscribed = () => { clearTimeout(timer); resolve(); };
    });
  }

  private onSubscribed: () => void = () => {};

  private drop(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.s.phase !== STOPPED) this.s.dropped++;
  }

  close(): void {
    this.closed = true;
    this.sock.destroy();
  }

  private data(buf: Buffer, n: number): boolean {
    this.t = now();
    try {
      this.scanner.feed(buf, 0, n);
    } catch (e) {
      this.s.errors++;
      this.scanner.errors.set(String((e as Error).message), 1);
      this.close();
      this.drop();
    }
    return true;
  }

  /** The time of the read being scanned. */
  private t = 0;

  /** Writes the next batch: pending follow-ups first, then ops drawn by weight. */
  send(): void {
    const s = this.s;
    if (s.phase === STOPPED || this.closed) return;
    const p = s.opts.pipeline;
    const nv = this.nVars;
    const ops = this.role.ops;
    let pos = 0;
    let k = 0;
    for (let f = 0; f < this.nFollow; f++, k++) {
      const op = this.follow[f];
      this.batch[k] = op;
      for (let v = 0; v < nv; v++) this.vals[k * nv + v] = this.followVals[f * nv + v];
      pos = ops[op].template.emit(this.out, pos, this.vals, k * nv);
    }
    this.nFollow = 0;
    const cum = this.role.cumulative;
    const total = cum[cum.length - 1];
    for (; k < p; k++) {
      if (s.opts.requests > 0 && s.phase === MEASURE && s.issued >= s.opts.requests) break;
      let op = 0;
      if (cum.length > 1) {
        const r = s.rng.float() * total;
        while (cum[op] <= r) op++;
      }
      this.batch[k] = op;
      const t = ops[op].template;
      const base = k * nv;
      const uses = t.uses;
      for (let u = 0; u < uses.length; u++) this.vals[base + uses[u]] = this.draws[uses[u]]();
      pos = t.emit(this.out, pos, this.vals, base);
      if (s.phase === MEASURE) s.issued++;
    }
    this.nBatch = k;
    if (k === 0) return;
    this.cur = 0;
    this.left = ops[this.batch[0]].template.commands;
    this.curError = false;
    this.sentAt = now();
    // The batch buffer is reused only after every reply to it has arrived,
    // so the kernel has taken all of its bytes by then.
    this.sock.write(this.out.subarray(0, pos));
  }

  private reply(kind: number): void {
    // A reply nobody asked for (a --command that subscribes, or MONITOR).
    if (this.cur >= this.nBatch) return;
    const s = this.s;
    const ops = this.role.ops;
    const opIndex = this.batch[this.cur];
    const op = ops[opIndex];
    if (kind === R_ERROR) this.curError = true;
    else if (kind === R_NIL && op.template.commands === 1) {
      if (s.phase === MEASURE) s.nils[this.opBase + opIndex]++;
      if (op.onNil >= 0) {
        const nv = this.nVars;
        this.follow[this.nFollow] = op.onNil;
        for (let v = 0; v < nv; v++) this.followVals[this.nFollow * nv + v] = this.vals[this.cur * nv + v];
        this.nFollow++;
      }
    }
    if (kind === R_OK && op.onEntry >= 0 && this.scanner.capturedLen > 0) this.followEntry(op.onEntry);
    s.completed++;
    if (--this.left > 0) return;
    if (s.phase === MEASURE) {
      s.ops++;
      s.commands += op.template.commands;
      s.perOp[this.opBase + opIndex]++;
      if (this.curError) s.errors++;
      s.latency.record((this.t - this.sentAt) * 1e6);
    }
    if (++this.cur < this.nBatch) {
      this.left = ops[this.batch[this.cur]].template.commands;
      this.curError = false;
      return;
    }
    if (s.phase === MEASURE) {
      if (s.progress) s.progress[s.slot] = s.ops;
      if (s.opts.requests > 0 && s.ops >= s.opts.requests) {
        s.end = this.t;
        s.phase = STOPPED;
        s.onDone();
        return;
      }
    }
    this.s.queue(this);
  }

  /** Queues the op `next` with the captured entry ID ("ms-seq") in the ims/iseq variables. */
  private followEntry(next: number): void {
    const b = this.scanner.captured;
    const n = this.scanner.capturedLen;
    let ms = 0;
    let seq = 0;
    let i = 0;
    for (; i < n && b[i] !== 45; i++) ms = ms * 10 + (b[i] - 48);
    for (i++; i < n; i++) seq = seq * 10 + (b[i] - 48);
    const nv = this.nVars;
    const f = this.nFollow++;
    this.follow[f] = next;
    for (let v = 0; v < nv; v++) this.followVals[f * nv + v] = this.vals[this.cur * nv + v];
    this.followVals[f * nv + this.imsSlot] = ms;
    this.followVals[f * nv + this.iseqSlot] = seq;
  }

  private message(kind: number): void {
    if (!this.subscribed) {
      this.subscribed = true;
      this.onSubscribed();
      return;
    }
    const s = this.s;
    s.completed++;
    if (s.phase !== MEASURE || kind !== 0) return;
    s.delivered++;
    const sc = this.scanner;
    if (sc.capturedLen >= 16) {
      let us = 0;
      for (let i = 0; i < 16; i++) us = us * 10 + (sc.captured[i] - 48);
      s.delivery.record((this.t * 1000 - us) * 1000);
    }
  }
}

/** One thread's share of a run. */
export class LoadDriver {
  private s: Shared;
  private conns: Conn[] = [];
  private readBuf = Buffer.alloc(READ_BUFFER);

  constructor(opts: LoadOptions, progress: Float64Array | null = null, slot = 0) {
    const spec = opts.custom ? customWorkload(opts.custom) : workloadByName(opts.workload);
    const w = compileWorkload(spec, { keyspace: opts.keyspace, valueSize: opts.valueSize, readRatio: opts.readRatio });
    const rng = new Rng((opts.seed * 7919 + opts.workerIndex * 104729 + 1) >>> 0);
    const keys = makeKeyGen(opts.distribution, opts.keyspace, rng, {
      theta: opts.zipfTheta, start: opts.workerIndex, step: opts.workers,
    });
    this.s = new Shared(w, opts, keys, rng, progress, slot);
  }

  /** Opens this driver's connections; subscribers subscribe. */
  async connect(): Promise<void> {
    const { w, opts } = this.s;
    const opBase: number[] = [];
    let acc = 0;
    for (const r of w.roles) { opBase.push(acc); acc += r.ops.length; }
    for (const c of opts.conns) {
      const r = roleOf(w, c, opts.connections);
      this.conns.push(new Conn(this.s, c, w.roles[r], opBase[r]));
    }
    await Promise.all(this.conns.map((c) => c.connect(this.readBuf)));
    await Promise.all(this.conns.filter((c) => c.role.subscribe).map((c) => c.subscribe()));
  }

  /** True if this driver sends requests (not only subscribers listening). */
  get sends(): boolean { return this.conns.some((c) => !c.role.subscribe); }

  /** Ends a run now (a driver of subscribers only, once the senders are done). */
  stop(): void { this.s.onDone(); }

  /** Runs until `endAt` (or the request quota); measures from `measureAt`. */
  run(measureAt: number, endAt: number): Promise<LoadResult> {
    const s = this.s;
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | null = null;
      let finished = false;
      let seen = -1;
      let seenAt = now();
      const watchdog = setInterval(() => {
        if (s.completed !== seen) {
          seen = s.completed;
          seenAt = now();
        } else if (s.phase === MEASURE && this.sends && now() - seenAt > STALL_MS) {
          s.stalled = true;
          finish();
        }
      }, 500);
      const finish = (): void => {
        if (finished) return;
        finished = true;
        if (timer) clearTimeout(timer);
        clearInterval(watchdog);
        if (!s.end) s.end = now();
        s.phase = STOPPED;
        for (const c of this.conns) c.close();
        resolve(this.result());
      };
      s.onDone = finish;
      const toMeasure = (): void => {
        s.phase = MEASURE;
        s.start = now();
        if (s.opts.requests > 0 && this.sends && this.conns.every((c) => c.role.subscribe || c.closed)) {
          finish();
          return;
        }
        // In requests mode the end time only bounds a run that cannot finish.
        timer = setTimeout(finish, Math.max(0, endAt - now()));
      };
      const startSending = (): void => {
        for (const c of this.conns) if (!c.role.subscribe) c.send();
      };
      const untilMeasure = measureAt - now();
      if (untilMeasure > 0) {
        startSending();
        timer = setTimeout(toMeasure, untilMeasure);
      } else {
        toMeasure();
        startSending();
      }
    });
  }

  private result(): LoadResult {
    const s = this.s;
    const errorTexts: Record<string, number> = {};
    for (const c of this.conns) for (const [t, n] of c.scanner.errors) errorTexts[t] = (errorTexts[t] ?? 0) + n;
    const perOp: Record<string, number> = {};
    const nils: Record<string, number> = {};
    let i = 0;
    for (const r of s.w.roles) {
      for (const o of r.ops) {
        perOp[o.name] = (perOp[o.name] ?? 0) + s.perOp[i];
        if (s.nils[i]) nils[o.name] = (nils[o.name] ?? 0) + s.nils[i];
        i++;
      }
    }
    const hasSubs = s.w.roles.some((r) => r.subscribe);
    return {
      ops: s.ops, commands: s.commands, errors: s.errors, errorTexts, perOp, nils,
      latency: s.latency.toData(), delivered: s.delivered, delivery: hasSubs ? s.delivery.toData() : null,
      start: s.start, end: s.end, dropped: s.dropped, stalled: s.stalled,
    };
  }
}
