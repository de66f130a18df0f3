// Pub/sub for the embedded API: db.subscribe / psubscribe / ssubscribe
// return a Subscription, a connection of its own in subscriber mode whose
// messages reach listeners and async iterators. The connection speaks RESP3,
// where every message and confirmation arrives as a push, so they never mix
// with replies; what it may run is what Redis lets a subscribed client run
// (more (P|S)SUBSCRIBE and their UNSUBSCRIBE forms, PING). Publishers are
// ordinary handles: PUBLISH on any handle, keyspace notifications, scripts.
import { ApiClient, EmbeddedCore } from './store.js';
import { Arg, PushMessage, ReplyValue } from './resp.js';
import { ReplyError, VermilionError } from './errors.js';

/** One message as a subscription delivers it. */
export interface Message<T = string> {
  /** The channel it was published to. */
  channel: T;
  message: T;
  /** The pattern that matched (psubscribe only). */
  pattern?: T;
}

export type Listener<T = string> = (message: T, channel: T, pattern?: T) => void;

export type SubscriptionKind = 'channel' | 'pattern' | 'shard';

const VERBS: Record<SubscriptionKind, { sub: string; unsub: string; msg: string; confirm: string; end: string }> = {
  channel: { sub: 'SUBSCRIBE', unsub: 'UNSUBSCRIBE', msg: 'message', confirm: 'subscribe', end: 'unsubscribe' },
  pattern: { sub: 'PSUBSCRIBE', unsub: 'PUNSUBSCRIBE', msg: 'pmessage', confirm: 'psubscribe', end: 'punsubscribe' },
  shard: { sub: 'SSUBSCRIBE', unsub: 'SUNSUBSCRIBE', msg: 'smessage', confirm: 'ssubscribe', end: 'sunsubscribe' },
};

const decoder = new TextDecoder();

export class Subscription<T extends string | Uint8Array = string> implements AsyncIterable<Message<T>> {
  private readonly conn: ApiClient;
  private readonly verbs: (typeof VERBS)[SubscriptionKind];
  private readonly listeners = new Set<Listener<T>>();
  /** Messages not yet taken by an iterator (only kept while one exists). */
  private readonly queue: Message<T>[] = [];
  private readonly takers: ((r: IteratorResult<Message<T>>) => void)[] = [];
  private iterators = 0;
  private readonly names = new Map<string, T>();
  private ended = false;

  /** @internal use db.subscribe / psubscribe / ssubscribe */
  constructor(core: EmbeddedCore, readonly kind: SubscriptionKind, private readonly buffers: boolean) {
    this.verbs = VERBS[kind];
    this.conn = new ApiClient(core, 'subscriber');
    // Bulk strings as bytes, pushes included: messages may be binary.
    this.conn.pushBuffers = true;
    this.conn.onPush = (m) => this.onPush(m);
    this.conn.onClose = () => this.finish();
    this.run(['HELLO', '3']);
  }

  /** The channels (patterns, shard channels) subscribed to now. */
  get channels(): T[] { return [...this.names.values()]; }

  /** Whether the subscription has ended (unsubscribed from everything, closed, or the store closed). */
  get closed(): boolean { return this.ended; }

  /** Subscribes to more channels (patterns, shard channels). */
  subscribe(...names: Arg[]): this {
    if (this.ended) throw new VermilionError('ECLOSED', 'the subscription has ended');
    if (names.length === 0) throw new VermilionError('EINVAL', `${this.verbs.sub} needs at least one name`);
    this.run([this.verbs.sub, ...names]);
    return this;
  }

  /**
   * Unsubscribes from the given names, or from every one when none is given.
   * With nothing left, the subscription ends: iterators finish, the
   * connection closes.
   */
  unsubscribe(...names: Arg[]): this {
    if (this.ended) return this;
    this.run([this.verbs.unsub, ...names]);
    if (this.names.size === 0) this.close();
    return this;
  }

  /** Calls `fn(message, channel, pattern?)` for each message; returns a function that removes it. */
  on(fn: Listener<T>): () => void {
    this.listeners.add(fn);
    return () => { this.listeners.delete(fn); };
  }

  /** Ends the subscription: its connection closes and iterators finish. */
  close(): void {
    if (this.ended) return;
    this.conn.close();
    this.finish();
  }

  [Symbol.asyncIterator](): AsyncIterator<Message<T>> {
    this.iterators++;
    let done = false;
    const stop = (): IteratorResult<Message<T>> => {
      if (!done) { done = true; this.iterators--; }
      return { value: undefined, done: true };
    };
    return {
      next: () => {
        if (done) return Promise.resolve(stop());
        const m = this.queue.shift();
        if (m) return Promise.resolve({ value: m, done: false });
        if (this.ended) return Promise.resolve(stop());
        return new Promise((resolve) => this.takers.push((r) => resolve(r.done ? stop() : r)));
      },
      // `break` out of a for-await loop: this iterator stops; the subscription goes on.
      return: () => Promise.resolve(stop()),
    };
  }

  private run(args: Arg[]): void {
    const r = this.conn.run(args, true, false) as ReplyValue;
    if (r instanceof ReplyError) throw r;
  }

  private text(v: ReplyValue): T {
    return (this.buffers ? v : decoder.decode(v as Uint8Array)) as T;
  }

  private onPush(push: PushMessage): void {
    const d = push.data;
    const type = decoder.decode(d[0] as Uint8Array);
    if (type === this.verbs.msg) {
      const m: Message<T> = d.length === 4
        ? { pattern: this.text(d[1]), channel: this.text(d[2]), message: this.text(d[3]) }
        : { channel: this.text(d[1]), message: this.text(d[2]) };
      this.emit(m);
    } else if (type === this.verbs.confirm) {
      const key = decoder.decode(d[1] as Uint8Array);
      if (!this.names.has(key)) this.names.set(key, this.text(d[1]));
    } else if (type === this.verbs.end) {
      if (d[1] !== null) this.names.delete(decoder.decode(d[1] as Uint8Array));
    }
  }

  private emit(m: Message<T>): void {
    for (const fn of this.listeners) {
      try {
        fn(m.message, m.channel, m.pattern);
      } catch (err) {
        // A throwing listener must not lose the message for the others.
        queueMicrotask(() => { throw err; });
      }
    }
    const taker = this.takers.shift();
    if (taker) taker({ value: m, done: false });
    else if (this.iterators > 0) this.queue.push(m);
  }

  private finish(): void {
    if (this.ended) return;
    this.ended = true;
    this.names.clear();
    for (const t of this.takers.splice(0)) t({ value: undefined, done: true });
  }
}
