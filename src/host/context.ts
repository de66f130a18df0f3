// Host-side state shared by the server and the host commands: the clients
// the host knows about and the registry of host command handlers.
import type { Engine } from '../engine/engine.js';
import type { Config } from './config.js';
import type { Reply } from './reply.js';
import type { BlockState } from './blocking.js';
import type { RdbState } from '../persistence/rdb.js';
import type { AofState } from '../persistence/aof.js';
import type { Scripting } from './scripting/index.js';
import type { ClientSubs, PubSub } from './pubsub.js';
import type { Clock } from './clock.js';

/**
 * What the host needs of a client's connection: a TCP socket (net.Socket
 * has this shape) or an in-process one (src/embedded/). Output written here
 * outside a command's reply (MONITOR lines, and later pub/sub messages)
 * reaches the client the same way its replies do.
 */
export interface ClientSocket {
  /** False when the output is backed up: the host stops reading until 'drain'. */
  write(data: Uint8Array | string): boolean;
  /** Bytes written and not yet taken by the peer. */
  readonly writableLength: number;
  /** True while the host does not read the client's input (CLIENT LIST events). */
  isPaused(): boolean;
  end(): void;
  destroy(): void;
}

export interface HostClient {
  /** Engine slot (reused after close). */
  slot: number;
  /** CLIENT ID: unique and increasing for the server's lifetime. */
  id: number;
  name: string;
  /** CLIENT SETINFO values (Redis 7.2; not shown by 7.0's CLIENT LIST). */
  libName?: string;
  libVer?: string;
  addr: string;
  laddr: string;
  fd: number;
  /** Connected through the unix socket (flag U; always local). Absent for TCP, Lua and embedded clients. */
  unixSocket?: boolean;
  createdAt: number;
  lastInteraction: number;
  /** The connection; null once closed. */
  socket: ClientSocket | null;
  /**
   * The last host command run, or the command a blocked client waits in,
   * as "name" or "parent|sub". CLIENT LIST's cmd= comes from the engine's
   * own record (clientLastCmd), which sees every command.
   */
  lastCmd: string;
  monitor: boolean;
  noEvict: boolean;
  closeAfterReply: boolean;
  /** Reading is stopped until the socket drains (output backpressure). */
  readPaused?: boolean;
  /** Bytes waiting in the socket's output and in its message queue (CLIENT LIST omem). */
  pendingOut(): number;
  /** Ends the connection (CLIENT KILL, QUIT, timeout). */
  kill(): void;
  // Kept by the pub/sub room; CLIENT LIST reads them (absent = 0).
  /** Channels, patterns and shard channels subscribed to (sub= psub= ssub=). */
  subCount?: number;
  psubCount?: number;
  ssubCount?: number;
  /** Set while a blocking command waits for keys (host/blocking.ts). */
  blocked?: BlockState;
  /**
   * Set while CLIENT PAUSE holds its next command back (flag b): the held
   * command's argument bytes and its length in the input (CLIENT LIST
   * argv-mem and qbuf, as for a blocked one).
   */
  paused?: { argvMem: number; cmdBytes: number };
  /** The channels, patterns and shard channels it listens to (host/pubsub.ts). */
  pubsub?: ClientSubs;
  /**
   * While the server runs this client's commands: its replies not yet
   * written. Anything sent to it meanwhile (a message it published to
   * itself) joins them here, so the order on the wire is the order of events.
   */
  replyQueue?: Buffer[];
  /** Replies not written yet (written at the end of the event-loop turn), and their bytes. */
  outQueue?: Buffer[];
  outBytes?: number;
  /** In the core's list of clients to write. */
  outListed?: boolean;
  /** Messages for it not written yet, as [start, end) runs of the room's frame log, and their bytes (host/pubsub.ts flush). */
  pushRuns?: number[];
  pushBytes?: number;
  /** In the room's list of clients to flush. */
  pushListed?: boolean;
  /** Past its output buffer limit: closed on the next tick, written no more (flag A). */
  closeAsap?: boolean;
  /** Unix seconds since it has been over the soft output limit; 0 when under. */
  obufSoftSince?: number;
  /** Set while a host command's reply is deferred (HostServer.deferReply): its next commands wait unread. */
  suspended?: boolean;
  /**
   * Set while this client's host command inside an EXEC has not answered
   * yet (a busy script): its further input is held here, unread (the
   * engine's input is the transaction's queue until EXEC ends).
   */
  held?: Buffer[];
}

/**
 * A host command that answers later: a script that ran past
 * busy-reply-threshold and let the event loop serve other clients. Its reply
 * is written to the same Reply; the client's next commands wait until then.
 */
export interface PendingReply {
  onDone(cb: () => void): void;
}

export type HostHandler = (srv: HostServer, c: HostClient, args: Buffer[], r: Reply) => void | PendingReply;

export interface HostServer {
  engine: Engine;
  /** Queues output for a client, behind its replies (written at the end of the turn). */
  send(c: HostClient, buf: Buffer): void;
  /** Writes a client's queued replies now. */
  writeQueued(c: HostClient): void;
  /** Asks for the end-of-turn flush (AOF, replies, then subscribers' messages). */
  scheduleFlush(): void;
  config: Config;
  /** The time the engine sees (expiry, TIME, timeouts): real, or a test's ManualClock. */
  clock: Clock;
  clients: Map<number, HostClient>;
  startedAt: number;
  runId: string;
  port: number;
  configFile: string;
  stats: ServerStats;
  /** Stops the server (SHUTDOWN), as HostCore.prepareForShutdown: false if the final save failed. */
  prepareForShutdown(opts?: { save?: boolean; nosave?: boolean; force?: boolean }): boolean;
  /** The end of a shutdown, past its save. */
  shutdown(): void;
  /** MONITOR clients and the feed that shows them every command. */
  monitors: MonitorFeedLike;
  /** CLIENT PAUSE / UNPAUSE (server.ts holds the paused clients). */
  pauseClients(untilMs: number, writesOnly: boolean): void;
  unpauseClients(): void;
  /** True while the client has a command held back by a pause. */
  isPaused(c: HostClient): boolean;
  /** Clients blocked on keys (INFO blocked_clients). */
  blockedCount(): number;
  /**
   * Ends a client's wait for keys as CLIENT UNBLOCK does: it replies its
   * timeout answer, or the UNBLOCKED error. False if it was not blocked.
   */
  unblockClient(c: HostClient, withError: boolean): boolean;
  log(level: 'debug' | 'verbose' | 'notice' | 'warning', msg: string): void;
  /** Publishes the keyspace events the engine has recorded (notify-keyspace-events). */
  publishKeyspaceEvents(): void;
  /** The pub/sub room: subscriptions and delivery. */
  pubsub: PubSub;
  /**
   * Lets a host command reply later, after work spread over several turns
   * of the event loop (MEMORY PREFIXES): the client's next commands wait,
   * other clients are served, and calling the returned function sends the
   * reply and runs what the client sent meanwhile. Null when the reply must
   * be written now (inside EXEC, or no socket): the command then does its
   * work at once. Absent where the host cannot defer at all.
   */
  deferReply?(c: HostClient): ((r: Reply) => void) | null;
  /** EVAL, FUNCTION and their state; null until the Lua VM has loaded, and where there is none (embedded). */
  scripting: Scripting | null;
  /** RDB snapshots: SAVE, BGSAVE, save points, loading (src/persistence/rdb.ts). */
  rdb: RdbState;
  /** The append-only file, fed by the propagation stream (src/persistence/aof.ts). */
  aof: AofState;
  /** A client with no connection, for replaying commands read from a file. */
  fakeClient(): HostClient;
  dropFakeClient(c: HostClient): void;
  runHandoffsQuietly(c: HostClient, st: number): number;
  /** Resolves when scripting is ready; null where the host has no Lua (the embedded store). */
  scriptingReady: Promise<Scripting> | null;
  /**
   * Whether a host command of this client may answer later (a script that
   * runs past busy-reply-threshold yields to the event loop only then).
   */
  canSuspend(c: HostClient): boolean;
}

export interface ServerStats {
  totalConnections: number;
  rejectedConnections: number;
  netInputBytes: number;
  netOutputBytes: number;
  commandUsec: Float64Array;
  commandHostCalls: Float64Array;
  commandHostFailed: Float64Array;
  /** Host-side refusals per command (a script's redis.call of a NOSCRIPT command...): rejected_calls. */
  commandHostRejected: Float64Array;
  hostErrors: Map<string, number>;
  /** Clients paused until this time (ms), and whether only writes are paused. */
  pausedUntil: number;
  pauseWritesOnly: boolean;
}

export interface MonitorFeedLike {
  add(c: HostClient): void;
  remove(c: HostClient): void;
  readonly active: boolean;
  /** Shows a command that ran; `force` shows even SKIP_MONITOR ones (EVAL feeds itself before its script's commands). */
  feed(c: HostClient, id: number, db: number, args: Buffer[], out: Buffer[], force?: boolean): void;
}

const handlers = new Map<number, HostHandler>();

export function registerHost(id: number, fn: HostHandler): void {
  handlers.set(id, fn);
}

export function hostHandler(id: number): HostHandler | undefined {
  return handlers.get(id);
}
