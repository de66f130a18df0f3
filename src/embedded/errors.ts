// Errors of the embedded API. A ReplyError is Redis's own answer ("ERR
// syntax error", "WRONGTYPE ..."): `message` is its full text, as ioredis
// and node-redis report it, and `code` its first word. Everything else is a
// VermilionError with a stable `code` naming what went wrong on our side.

export class ReplyError extends Error {
  /** The error's first word: ERR, WRONGTYPE, NOAUTH, ... */
  readonly code: string;
  /** The command that got it (set when thrown by a call). */
  command?: { name: string; args: unknown[] };

  constructor(message: string) {
    super(message);
    this.name = 'ReplyError';
    const sp = message.indexOf(' ');
    this.code = sp < 0 ? message : message.slice(0, sp);
  }
}

export type VermilionErrorCode =
  /** The store (or this handle) was closed. */
  | 'ECLOSED'
  /** A synchronous call while an earlier asynchronous one on the same handle still waits (blocked, paused). */
  | 'EBUSY'
  /** The command cannot complete synchronously (CLIENT PAUSE holds it). */
  | 'EWOULDBLOCK'
  /** The engine stopped on an internal error; the handle's connection was dropped. */
  | 'ENGINE_ABORT'
  /** No RDB serializer in this build (issue 5): save()/snapshot() and loading RDB bytes need one. */
  | 'ENOTSUP_RDB'
  /** The option or feature is not available on this platform (no file system, no IndexedDB). */
  | 'ENOTSUP'
  /** The connection replied nothing where a reply was expected (CLIENT REPLY OFF/SKIP). */
  | 'ENOREPLY'
  | 'EINVAL';

export class VermilionError extends Error {
  constructor(readonly code: VermilionErrorCode, message: string) {
    super(message);
    this.name = 'VermilionError';
  }
}
