// Host-side state shared by the server and the host commands: the clients
// the host knows about and the registry of host command handlers.
import type { Socket } from 'node:net';
import type { Engine } from '../engine/engine.js';
import type { Config } from './config.js';
import type { Reply } from './reply.js';
import type { BlockState } from './blocking.js';
import type { Scripting } from './scripting/index.js';

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
  createdAt: number;
  lastInteraction: number;
  socket: Socket | null;
  /** Last command run, as "name" or "parent|sub" (CLIENT LIST cmd=). */
  lastCmd: string;
  monitor: boolean;
  noEvict: boolean;
  closeAfterReply: boolean;
  /** Reading is stopped until the socket drains (output backpressure). */
  readPaused?: boolean;
  /** Bytes waiting in the socket's output (CLIENT LIST omem). */
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
   * Set while this client's host command has not answered yet (a busy
   * script): its further input is held, unread, as Redis stops reading a
   * client whose script runs (protectClient).
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
  config: Config;
  clients: Map<number, HostClient>;
  startedAt: number;
  runId: string;
  port: number;
  configFile: string;
  stats: ServerStats;
  /** Stops the server (SHUTDOWN). */
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
  /** EVAL, FUNCTION and their state; null until the Lua VM has loaded (scriptingReady). */
  scripting: Scripting | null;
  scriptingReady: Promise<Scripting>;
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
