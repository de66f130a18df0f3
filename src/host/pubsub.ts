// The pub/sub room: who listens to what, and delivery of messages.
//
// Three registries, each mapping a name to its subscribers in subscription
// order (Redis keeps a list per channel, so delivery follows that order):
//   channels   SUBSCRIBE / PUBLISH          -> "message"
//   patterns   PSUBSCRIBE / PUBLISH         -> "pmessage" (glob, stringmatch.ts)
//   shard      SSUBSCRIBE / SPUBLISH        -> "smessage"
// Each client keeps its own side (HostClient.pubsub) so UNSUBSCRIBE without
// arguments and disconnects cost what the client holds, not what the server
// holds. Names are kept as latin1 strings of their bytes: one JS character
// per byte, so any binary name is a distinct key.
//
// Invariants: a client is in a registry's set under a name exactly while
// the name is in its own set of that kind; a name is in a registry only
// while it has subscribers (PUBSUB CHANNELS and INFO count live ones);
// CF_PUBSUB is set in the engine exactly while the client holds any
// subscription (Redis's CLIENT_PUBSUB, which RESP2 subscriber mode and the
// "pubsub" output-buffer class go by).
//
// Delivery: a message frame is built once per protocol and queued on each
// subscriber as runs of the turn's frame log (HostClient.pushRuns). The
// queues are written, one socket write per subscriber, by the core's
// end-of-turn flush (after every socket read that was ready, the AOF write
// and the replies), so a pipelined burst of PUBLISH, even spread over
// several reads, costs each subscriber one write, as Redis's reply buffers
// written in beforeSleep do. The client being served is different: its
// frame joins its pending replies (replyQueue), after the replies of its
// earlier commands and before the running command's own, as in Redis; and
// when the server starts serving a client it takes that client's queued
// messages first (takePending), so nothing overtakes them. After each
// delivery the subscriber's pending output (what its socket holds plus its
// queue) is measured against client-output-buffer-limit; a client past it
// is closed as Redis closes it, so one reader that never reads cannot grow
// the server without bound.
//
// Costs: PUBLISH is O(N + M) for N subscribers of the channel and M patterns
// of the whole server (every pattern is tried, as in Redis); SUBSCRIBE and
// SSUBSCRIBE O(1) per name; PSUBSCRIBE O(1) per pattern; unsubscribing O(1)
// per name; disconnect O(subscriptions held).
import { CF_PUBSUB } from '../engine/engine.js';
import type { HostClient, HostServer } from './context.js';
import { stringMatch } from './stringmatch.js';
import { BufferClass } from './platform.js';
import { clientInfoString } from './cmd-client.js';

/** One client's subscriptions (names as latin1 strings), in subscription order. */
export interface ClientSubs {
  channels: Set<string>;
  patterns: Set<string>;
  shard: Set<string>;
}

/** A channel or pattern name: its bytes, or those bytes as a latin1 string. */
export type Name = Buffer | string;
const keyOf = (n: Name): string => (typeof n === 'string' ? n : n.toString('latin1'));

interface PatternEntry {
  bytes: Buffer;
  clients: Set<HostClient>;
}

/** The reply words of a kind of subscription, as RESP bulk strings. */
export interface SubKind {
  subscribe: string;
  unsubscribe: string;
}

const bulkText = (s: string): string => `$${s.length}\r\n${s}\r\n`;
export const KIND_CHANNEL: SubKind = { subscribe: bulkText('subscribe'), unsubscribe: bulkText('unsubscribe') };
export const KIND_PATTERN: SubKind = { subscribe: bulkText('psubscribe'), unsubscribe: bulkText('punsubscribe') };
export const KIND_SHARD: SubKind = { subscribe: bulkText('ssubscribe'), unsubscribe: bulkText('sunsubscribe') };
const W_MESSAGE = Buffer.from(bulkText('message'), 'latin1');
const W_PMESSAGE = Buffer.from(bulkText('pmessage'), 'latin1');
const W_SMESSAGE = Buffer.from(bulkText('smessage'), 'latin1');
const CRLF = Buffer.from('\r\n', 'latin1');
const STAR = 0x2a; // '*': RESP2 array
const GT = 0x3e;   // '>': RESP3 push

function bulkInto(dst: Buffer, at: number, b: Buffer): number {
  at += dst.write(`$${b.length}\r\n`, at, 'latin1');
  at += b.copy(dst, at);
  return at + CRLF.copy(dst, at);
}

/**
 * A message frame "*N <kind> <bulk>..." (RESP2); the RESP3 push differs
 * only in its first byte, so callers copy it and patch that byte.
 */
function frame(kind: Buffer, parts: Buffer[]): Buffer {
  let len = 4 + kind.length;
  for (const p of parts) len += p.length + 5 + String(p.length).length;
  const buf = BufferClass.allocUnsafe(len);
  buf[0] = STAR;
  buf[1] = 0x30 + parts.length + 1;
  buf[2] = 0x0d;
  buf[3] = 0x0a;
  let at = 4 + kind.copy(buf, 4);
  for (const p of parts) at = bulkInto(buf, at, p);
  return buf;
}

function asPush(resp2: Buffer): Buffer {
  const b = Buffer.from(resp2);
  b[0] = GT;
  return b;
}

/** A frame written in both protocols, the RESP3 form made only if asked. */
class Frame {
  private push: Buffer | null = null;
  /** Its place in the turn's log once delivered to a subscriber (-1: not yet). */
  at = -1;
  constructor(readonly resp2: Buffer) {}
  forProto(proto: number): Buffer {
    if (proto !== 3) return this.resp2;
    return (this.push ??= asPush(this.resp2));
  }
}

export class PubSub {
  private channels = new Map<string, Set<HostClient>>();
  private patterns = new Map<string, PatternEntry>();
  private shard = new Map<string, Set<HostClient>>();
  /** Subscribers with queued messages, written by flush() at the end of the turn. */
  private pending: HostClient[] = [];
  /**
   * Every frame queued this turn, once each, in delivery order. A
   * subscriber's queue is runs of this log (HostClient.pushRuns): the
   * subscribers of one channel all hold the same single run, so a message
   * costs each of them two numbers, and the flush joins the bytes once.
   */
  private log: Frame[] = [];
  private pubsubLimit = NO_LIMIT;
  private normalLimit = NO_LIMIT;

  constructor(private srv: HostServer) {
    this.readLimits();
    srv.config.onChange((name) => {
      if (name === 'client-output-buffer-limit') this.readLimits();
    });
  }

  private readLimits(): void {
    this.pubsubLimit = limitOf(this.srv.config.outputBufferLimit('pubsub'));
    this.normalLimit = limitOf(this.srv.config.outputBufferLimit('normal'));
  }

  // ---- counts (INFO, PUBSUB, CLIENT LIST) ---------------------------------------

  get channelCount(): number { return this.channels.size; }
  get patternCount(): number { return this.patterns.size; }
  get shardChannelCount(): number { return this.shard.size; }

  /** Channels with subscribers, optionally those matching a glob (PUBSUB CHANNELS). */
  channelNames(pattern: Buffer | null): Buffer[] { return names(this.channels, pattern); }
  shardChannelNames(pattern: Buffer | null): Buffer[] { return names(this.shard, pattern); }
  subscribers(channel: Name): number { return this.channels.get(keyOf(channel))?.size ?? 0; }
  shardSubscribers(channel: Name): number { return this.shard.get(keyOf(channel))?.size ?? 0; }

  /** Channels plus patterns: the count SUBSCRIBE/PSUBSCRIBE replies carry. */
  static subscriptionCount(c: HostClient): number {
    return (c.pubsub?.channels.size ?? 0) + (c.pubsub?.patterns.size ?? 0);
  }
  static shardSubscriptionCount(c: HostClient): number { return c.pubsub?.shard.size ?? 0; }

  // ---- subscribing ---------------------------------------------------------------

  /** Adds `c` to a channel; false if it was already there. */
  subscribe(c: HostClient, channel: Name): boolean {
    return add(this.channels, subsOf(c).channels, c, keyOf(channel));
  }

  ssubscribe(c: HostClient, channel: Name): boolean {
    return add(this.shard, subsOf(c).shard, c, keyOf(channel));
  }

  psubscribe(c: HostClient, pattern: Name): boolean {
    const mine = subsOf(c).patterns;
    const key = keyOf(pattern);
    if (mine.has(key)) return false;
    mine.add(key);
    let e = this.patterns.get(key);
    if (!e) {
      e = { bytes: Buffer.from(key, 'latin1'), clients: new Set() };
      this.patterns.set(key, e);
    }
    e.clients.add(c);
    return true;
  }

  /** Removes `c` from a channel; false if it was not there. */
  unsubscribe(c: HostClient, channel: Name): boolean {
    const key = keyOf(channel);
    if (!c.pubsub?.channels.delete(key)) return false;
    leave(this.channels, c, key);
    return true;
  }

  sunsubscribe(c: HostClient, channel: Name): boolean {
    const key = keyOf(channel);
    if (!c.pubsub?.shard.delete(key)) return false;
    leave(this.shard, c, key);
    return true;
  }

  punsubscribe(c: HostClient, pattern: Name): boolean {
    const key = keyOf(pattern);
    if (!c.pubsub?.patterns.delete(key)) return false;
    const e = this.patterns.get(key)!;
    e.clients.delete(c);
    if (e.clients.size === 0) this.patterns.delete(key);
    return true;
  }

  /** Every subscription of `c` ends (RESET, disconnect); nothing is replied. */
  dropClient(c: HostClient): void {
    const s = c.pubsub;
    if (!s) return;
    for (const k of s.channels) leave(this.channels, c, k);
    for (const k of s.shard) leave(this.shard, c, k);
    for (const k of s.patterns) {
      const e = this.patterns.get(k)!;
      e.clients.delete(c);
      if (e.clients.size === 0) this.patterns.delete(k);
    }
    c.pubsub = undefined;
    this.syncClient(c);
  }

  /** Moves `c`'s queued messages to the end of `out` (the server is about to serve it). */
  takePending(c: HostClient, out: Buffer[]): void {
    const runs = c.pushRuns;
    if (!runs || runs.length === 0) return;
    const proto = this.srv.engine.x.clientProto(c.slot);
    for (let r = 0; r < runs.length; r += 2) {
      for (let i = runs[r]; i < runs[r + 1]; i++) out.push(this.log[i].forProto(proto));
    }
    runs.length = 0;
    c.pushBytes = 0;
  }

  /**
   * After a (un)subscribe: CLIENT LIST's counts and the engine's CF_PUBSUB
   * follow what the client now holds.
   */
  syncClient(c: HostClient): void {
    const s = c.pubsub;
    c.subCount = s?.channels.size ?? 0;
    c.psubCount = s?.patterns.size ?? 0;
    c.ssubCount = s?.shard.size ?? 0;
    if (!c.socket) return;
    const x = this.srv.engine.x;
    const flags = x.clientFlags(c.slot);
    const on = c.subCount + c.psubCount + c.ssubCount > 0;
    if (on !== ((flags & CF_PUBSUB) !== 0)) x.setClientFlags(c.slot, on ? flags | CF_PUBSUB : flags & ~CF_PUBSUB);
  }

  // ---- replies to (un)subscribe commands ------------------------------------------

  /**
   * "[p|s]subscribe <name> <count>" or "[p|s]unsubscribe <name|nil> <count>"
   * in `proto`, as latin1 text (a name's bytes are its latin1 characters):
   * a command confirming thousands of names builds one string and one Buffer.
   */
  static confirmation(proto: number, kind: string, name: string | null, count: number): string {
    const head = proto === 3 ? '>3\r\n' : '*3\r\n';
    const nameText = name === null ? (proto === 3 ? '_\r\n' : '$-1\r\n') : `$${name.length}\r\n${name}\r\n`;
    return `${head}${kind}${nameText}:${count}\r\n`;
  }

  // ---- publishing ----------------------------------------------------------------

  /**
   * PUBLISH: sends `message` to the channel's subscribers, then to the
   * clients of every pattern matching the channel. Returns the number of
   * deliveries (a client subscribed both ways counts twice), as Redis.
   */
  publish(channel: Buffer, message: Buffer): number {
    let receivers = 0;
    const subs = this.channels.get(channel.toString('latin1'));
    if (subs) {
      this.deliverAll(subs, new Frame(frame(W_MESSAGE, [channel, message])));
      receivers += subs.size;
    }
    if (this.patterns.size > 0) {
      for (const e of this.patterns.values()) {
        if (!stringMatch(e.bytes, channel)) continue;
        this.deliverAll(e.clients, new Frame(frame(W_PMESSAGE, [e.bytes, channel, message])));
        receivers += e.clients.size;
      }
    }
    return receivers;
  }

  /** SPUBLISH: the shard channel's subscribers only. */
  spublish(channel: Buffer, message: Buffer): number {
    const subs = this.shard.get(channel.toString('latin1'));
    if (!subs) return 0;
    this.deliverAll(subs, new Frame(frame(W_SMESSAGE, [channel, message])));
    return subs.size;
  }

  /**
   * Queues frame `f` for every client of one channel, pattern or shard
   * channel: the per-message loop of a fan-out. A client with a reply
   * queue (CLIENT PAUSE, a running script) takes the frame there; any other
   * gets it as a run of the turn's log, written by flush(). Pushes are sent
   * even with CLIENT REPLY OFF/SKIP, as in Redis 7.0. Every client here is
   * in the pubsub class, so its limit is read once, and one is measured
   * against it (checkOutputLimit) only when what waits for it could have
   * reached the lower of that class's limits.
   */
  private deliverAll(subs: Set<HostClient>, f: Frame): void {
    const lowest = this.pubsubLimit.lowest;
    const len = f.resp2.length;
    for (const c of subs) {
      const s = c.socket;
      if (!s || c.closeAsap) continue;
      if (c.replyQueue) {
        c.replyQueue.push(f.forProto(this.srv.engine.x.clientProto(c.slot)));
        continue;
      }
      // Listed once per flush, even if the server took its queue meanwhile.
      if (!c.pushListed) {
        c.pushListed = true;
        this.pending.push(c);
        this.srv.scheduleFlush();
      }
      if (f.at < 0) {
        f.at = this.log.length;
        this.log.push(f);
      }
      const runs = (c.pushRuns ??= []);
      const n = runs.length;
      if (n > 0 && runs[n - 1] === f.at) runs[n - 1] = f.at + 1;
      else runs.push(f.at, f.at + 1);
      // Counted in RESP2 bytes: the RESP3 push is as long.
      const pushed = (c.pushBytes ?? 0) + len;
      c.pushBytes = pushed;
      if (pushed + (c.outBytes ?? 0) + s.writableLength >= lowest) this.checkOutputLimit(c);
      else if (c.obufSoftSince) c.obufSoftSince = 0;
    }
  }

  /**
   * Writes every subscriber's queued messages, one socket write each.
   * Subscribers of the same channels hold the same runs of the log and
   * reached the pending list one after another: runs and protocol equal to
   * the previous client's reuse its joined bytes instead of copying them
   * again.
   */
  flush(): void {
    if (this.pending.length === 0) return;
    const list = this.pending;
    this.pending = [];
    const log = this.log;
    let prevRuns: number[] | null = null;
    let prevProto = 0;
    let prevBuf: Buffer | null = null;
    for (const c of list) {
      c.pushListed = false;
      const runs = c.pushRuns;
      // Taken by the server meanwhile, or the client is gone.
      if (!runs || runs.length === 0) continue;
      const s = c.socket;
      if (s && !c.closeAsap) {
        // Replies queued before these messages leave first.
        if (c.outQueue && c.outQueue.length > 0) this.srv.writeQueued(c);
        const proto = this.srv.engine.x.clientProto(c.slot);
        let buf: Buffer;
        if (prevRuns && proto === prevProto && sameRuns(prevRuns, runs)) buf = prevBuf!;
        else if (runs.length === 2 && runs[1] - runs[0] === 1) buf = log[runs[0]].forProto(proto);
        else buf = joinRuns(log, runs, proto, c.pushBytes ?? 0);
        s.write(buf);
        this.srv.stats.netOutputBytes += buf.length;
        if (prevRuns) prevRuns.length = 0;
        prevRuns = runs;
        prevProto = proto;
        prevBuf = buf;
      } else {
        runs.length = 0;
      }
      c.pushBytes = 0;
    }
    if (prevRuns) prevRuns.length = 0;
    for (const f of log) f.at = -1;
    log.length = 0;
  }

  // ---- client-output-buffer-limit -------------------------------------------------

  /**
   * Redis's checkClientOutputBufferLimits for the normal and pubsub classes
   * (replicas arrive with replication): past the hard limit, or past the
   * soft limit for longer than its seconds, the client is closed. The
   * measure is what waits in the socket for the peer to read.
   */
  checkOutputLimit(c: HostClient): void {
    if (c.closeAsap || !c.socket) return;
    const lim = hasSubscriptions(c) ? this.pubsubLimit : this.normalLimit;
    // No limit for its class (normal clients by default): nothing to measure.
    if (lim.lowest === Infinity) {
      if (c.obufSoftSince) c.obufSoftSince = 0;
      return;
    }
    const used = c.pendingOut();
    // The common case, on every delivery: under both limits (or none set).
    if (used < lim.lowest) {
      c.obufSoftSince = 0;
      return;
    }
    const hard = lim.hard > 0 && used >= lim.hard;
    let soft = lim.soft > 0 && used >= lim.soft;
    // Redis times the soft limit in whole seconds (server.unixtime).
    const now = Math.floor(Date.now() / 1000);
    if (soft) {
      if (!c.obufSoftSince) {
        c.obufSoftSince = now;
        soft = false;
      } else if (now - c.obufSoftSince <= lim.secs) {
        soft = false;
      }
    } else {
      c.obufSoftSince = 0;
    }
    if (!hard && !soft) return;
    this.srv.log('warning', `Client ${clientInfoString(this.srv, c)} scheduled to be closed ASAP for overcoming of output buffer limits.`);
    // Closed after the running command, as Redis's freeClientAsync: the
    // client may be the one being served. Nothing more is written to it.
    c.closeAsap = true;
    setImmediate(() => c.kill());
  }
}

/** A class's limits, with the smaller one set (Infinity when neither is). */
interface Limit { hard: number; soft: number; secs: number; lowest: number }
const NO_LIMIT: Limit = { hard: 0, soft: 0, secs: 0, lowest: Infinity };

function limitOf(l: { hard: number; soft: number; secs: number }): Limit {
  const set = [l.hard, l.soft].filter((n) => n > 0);
  return { ...l, lowest: set.length ? Math.min(...set) : Infinity };
}

function sameRuns(a: number[], b: number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The frames of `runs` of the log in `proto`, copied into one Buffer of `bytes`. */
function joinRuns(log: Frame[], runs: number[], proto: number, bytes: number): Buffer {
  const buf = Buffer.allocUnsafe(bytes);
  let at = 0;
  for (let r = 0; r < runs.length; r += 2) {
    for (let i = runs[r]; i < runs[r + 1]; i++) at += log[i].forProto(proto).copy(buf, at);
  }
  return buf;
}

function hasSubscriptions(c: HostClient): boolean {
  return (c.subCount ?? 0) + (c.psubCount ?? 0) + (c.ssubCount ?? 0) > 0;
}

function subsOf(c: HostClient): ClientSubs {
  return (c.pubsub ??= { channels: new Set(), patterns: new Set(), shard: new Set() });
}

function add(reg: Map<string, Set<HostClient>>, mine: Set<string>, c: HostClient, key: string): boolean {
  if (mine.has(key)) return false;
  mine.add(key);
  let set = reg.get(key);
  if (!set) {
    set = new Set();
    reg.set(key, set);
  }
  set.add(c);
  return true;
}

/** The registry side of an unsubscribe; the name goes when its last subscriber does. */
function leave(reg: Map<string, Set<HostClient>>, c: HostClient, key: string): void {
  const set = reg.get(key)!;
  set.delete(c);
  if (set.size === 0) reg.delete(key);
}

function names(reg: Map<string, Set<HostClient>>, pattern: Buffer | null): Buffer[] {
  const out: Buffer[] = [];
  for (const k of reg.keys()) {
    const b = Buffer.from(k, 'latin1');
    // Without a pattern every name is listed, even "" (which no glob matches).
    if (!pattern || stringMatch(pattern, b)) out.push(b);
  }
  return out;
}
