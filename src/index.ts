// Vermilion embedded: the engine in-process, no server. The package's main
// export, for Node.js and (through src/embedded/browser.ts) the browser.
//
//   import { Vermilion } from 'vermilion';
//   const db = await Vermilion.open();
//   await db.set('k', 'v', 'EX', 10);        // every command is a method
//   db.sync.get('k');                         // synchronous, for hot paths
//   await db.call('GET', 'k');                // or by name
//   await db.pipeline().incr('n').get('n').exec();
//   await db.close();
//
// Commands run exactly as the server runs them (the same engine and host
// command code, src/host/core.ts); see the README's "Embedded use".
export { Vermilion, Pipeline, Transaction } from './embedded/vermilion.js';
export type { OpenOptions, CallOptions, PipelineResult } from './embedded/vermilion.js';
export { ReplyError, VermilionError } from './embedded/errors.js';
export type { VermilionErrorCode } from './embedded/errors.js';
export { PushMessage } from './embedded/resp.js';
export { Subscription } from './embedded/subscription.js';
export type { Message, Listener, SubscriptionKind } from './embedded/subscription.js';
export type { Arg, ReplyValue } from './embedded/resp.js';
export { ManualClock, realClock } from './host/clock.js';
export type { Clock } from './host/clock.js';
export type { SnapshotCodec, SnapshotStore } from './embedded/persist.js';
export { formatReply, splitCommandLine } from './embedded/format.js';
export { SYNTAX, METHOD_NAMES } from './embedded/methods.gen.js';
