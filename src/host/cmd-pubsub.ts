// Pub/sub commands the host runs: PUBLISH SUBSCRIBE UNSUBSCRIBE PSUBSCRIBE
// PUNSUBSCRIBE SPUBLISH SSUBSCRIBE SUNSUBSCRIBE and PUBSUB (CHANNELS NUMSUB
// NUMPAT SHARDCHANNELS SHARDNUMSUB HELP). The room (subscriptions, delivery)
// is pubsub.ts; RESP2 subscriber mode is enforced by the engine's dispatch
// from the CF_PUBSUB flag the room keeps.
//
// Confirmations of (un)subscribing are one frame per name, pushes in RESP3,
// each with the count of subscriptions the client holds after it: channels
// plus patterns for the plain and pattern kinds, shard channels for the
// shard kind (as Redis 7.0 counts them).
import { registerHost, HostServer, HostClient } from './context.js';
import { Reply } from './reply.js';
import {
  CMD_PUBLISH, CMD_SUBSCRIBE, CMD_UNSUBSCRIBE, CMD_PSUBSCRIBE, CMD_PUNSUBSCRIBE, CMD_SPUBLISH,
  CMD_SSUBSCRIBE, CMD_SUNSUBSCRIBE, CMD_PUBSUB_CHANNELS, CMD_PUBSUB_NUMSUB, CMD_PUBSUB_NUMPAT,
  CMD_PUBSUB_SHARDCHANNELS, CMD_PUBSUB_SHARDNUMSUB, CMD_PUBSUB_HELP,
} from '../engine/commands.gen.js';
import { CF_NO_BLOCK, CF_IN_EXEC } from '../engine/engine.js';
import { PubSub, KIND_CHANNEL, KIND_PATTERN, KIND_SHARD, SubKind } from './pubsub.js';
import { subcommandSyntaxError } from './cmd-client.js';
import { replyHelp } from './replyhelp.js';

const E_SSUBSCRIBE_DENY = "ERR SSUBSCRIBE isn't allowed for a DENY BLOCKING client";

/** Sends a command's confirmations (latin1 text, PubSub.confirmation). */
function confirm(r: Reply, text: string): void {
  r.raw(Buffer.from(text, 'latin1'));
  r.sendWhenOff = true;
}

// PUBLISH channel message — integer: how many subscriptions received it.
// O(N+M): N subscribers of the channel, M patterns of the server.
function cmdPublish(srv: HostServer, _c: HostClient, args: Buffer[], r: Reply): void {
  r.int(srv.pubsub.publish(args[1], args[2]));
}

// SPUBLISH shardchannel message — integer: how many subscribers received it. O(N).
function cmdSpublish(srv: HostServer, _c: HostClient, args: Buffer[], r: Reply): void {
  r.int(srv.pubsub.spublish(args[1], args[2]));
}

/**
 * The three subscribes: each name added with `add`, and confirmed with the
 * client's subscription count after it.
 */
function subscribeCommand(
  srv: HostServer, c: HostClient, args: Buffer[], r: Reply, kind: SubKind,
  add: (c: HostClient, name: string) => void, count: (c: HostClient) => number,
): void {
  let text = '';
  for (let j = 1; j < args.length; j++) {
    const name = args[j].toString('latin1');
    add(c, name);
    text += PubSub.confirmation(r.proto, kind.subscribe, name, count(c));
  }
  confirm(r, text);
  srv.pubsub.syncClient(c);
}

// SUBSCRIBE channel [channel ...] — a "subscribe" frame per channel. O(N).
// (Redis refuses it for DENY BLOCKING clients except inside MULTI; the only
// others are scripts, which may not call it: NOSCRIPT.)
function cmdSubscribe(srv: HostServer, c: HostClient, args: Buffer[], r: Reply): void {
  subscribeCommand(srv, c, args, r, KIND_CHANNEL, (x, n) => srv.pubsub.subscribe(x, n), PubSub.subscriptionCount);
}

// PSUBSCRIBE pattern [pattern ...] — a "psubscribe" frame per pattern. O(N).
function cmdPsubscribe(srv: HostServer, c: HostClient, args: Buffer[], r: Reply): void {
  subscribeCommand(srv, c, args, r, KIND_PATTERN, (x, n) => srv.pubsub.psubscribe(x, n), PubSub.subscriptionCount);
}

// SSUBSCRIBE shardchannel [shardchannel ...] — an "ssubscribe" frame per
// shard channel. O(N). Refused inside EXEC (and scripts), as Redis refuses
// it to clients that must get one reply per command.
function cmdSsubscribe(srv: HostServer, c: HostClient, args: Buffer[], r: Reply): void {
  if (srv.engine.x.clientFlags(c.slot) & (CF_NO_BLOCK | CF_IN_EXEC)) {
    r.error(E_SSUBSCRIBE_DENY);
    return;
  }
  subscribeCommand(srv, c, args, r, KIND_SHARD, (x, n) => srv.pubsub.ssubscribe(x, n), PubSub.shardSubscriptionCount);
}

/**
 * The three unsubscribes: the named ones (each confirmed, subscribed or
 * not), or all the client holds of that kind; holding none, one frame with
 * a nil name.
 */
function unsubscribeCommand(
  srv: HostServer, c: HostClient, args: Buffer[], r: Reply, kind: SubKind,
  held: (c: HostClient) => Set<string> | undefined,
  drop: (c: HostClient, name: string) => boolean, count: (c: HostClient) => number,
): void {
  let names: string[];
  let text = '';
  if (args.length > 1) {
    names = args.slice(1).map((a) => a.toString('latin1'));
  } else {
    names = [...(held(c) ?? [])];
    if (names.length === 0) text = PubSub.confirmation(r.proto, kind.unsubscribe, null, count(c));
  }
  for (const name of names) {
    drop(c, name);
    text += PubSub.confirmation(r.proto, kind.unsubscribe, name, count(c));
  }
  confirm(r, text);
  srv.pubsub.syncClient(c);
}

// UNSUBSCRIBE [channel ...] — an "unsubscribe" frame per channel. O(N).
function cmdUnsubscribe(srv: HostServer, c: HostClient, args: Buffer[], r: Reply): void {
  unsubscribeCommand(srv, c, args, r, KIND_CHANNEL, (x) => x.pubsub?.channels,
    (x, n) => srv.pubsub.unsubscribe(x, n), PubSub.subscriptionCount);
}

// PUNSUBSCRIBE [pattern ...] — a "punsubscribe" frame per pattern. O(N).
function cmdPunsubscribe(srv: HostServer, c: HostClient, args: Buffer[], r: Reply): void {
  unsubscribeCommand(srv, c, args, r, KIND_PATTERN, (x) => x.pubsub?.patterns,
    (x, n) => srv.pubsub.punsubscribe(x, n), PubSub.subscriptionCount);
}

// SUNSUBSCRIBE [shardchannel ...] — an "sunsubscribe" frame per shard channel. O(N).
function cmdSunsubscribe(srv: HostServer, c: HostClient, args: Buffer[], r: Reply): void {
  unsubscribeCommand(srv, c, args, r, KIND_SHARD, (x) => x.pubsub?.shard,
    (x, n) => srv.pubsub.sunsubscribe(x, n), PubSub.shardSubscriptionCount);
}

// ---- PUBSUB ------------------------------------------------------------------------

// PUBSUB CHANNELS [pattern] — array of the channels with subscribers. O(N).
function cmdPubsubChannels(srv: HostServer, _c: HostClient, args: Buffer[], r: Reply): void {
  if (args.length > 3) { subcommandSyntaxError(r, 'PUBSUB', args[1]); return; }
  r.bulkArray(srv.pubsub.channelNames(args[2] ?? null));
}

// PUBSUB SHARDCHANNELS [pattern] — array of the shard channels with subscribers. O(N).
function cmdPubsubShardchannels(srv: HostServer, _c: HostClient, args: Buffer[], r: Reply): void {
  if (args.length > 3) { subcommandSyntaxError(r, 'PUBSUB', args[1]); return; }
  r.bulkArray(srv.pubsub.shardChannelNames(args[2] ?? null));
}

// PUBSUB NUMSUB [channel ...] — flat array of channel, count (an array in
// RESP3 too, as Redis). O(N) in the channels asked.
function cmdPubsubNumsub(srv: HostServer, _c: HostClient, args: Buffer[], r: Reply): void {
  r.array((args.length - 2) * 2);
  for (let j = 2; j < args.length; j++) r.bulk(args[j]).int(srv.pubsub.subscribers(args[j]));
}

// PUBSUB SHARDNUMSUB [shardchannel ...] — flat array of shard channel, count. O(N).
function cmdPubsubShardnumsub(srv: HostServer, _c: HostClient, args: Buffer[], r: Reply): void {
  r.array((args.length - 2) * 2);
  for (let j = 2; j < args.length; j++) r.bulk(args[j]).int(srv.pubsub.shardSubscribers(args[j]));
}

// PUBSUB NUMPAT — integer: distinct patterns subscribed by any client. O(1).
function cmdPubsubNumpat(srv: HostServer, _c: HostClient, _args: Buffer[], r: Reply): void {
  r.int(srv.pubsub.patternCount);
}

// PUBSUB HELP — array of status lines.
function cmdPubsubHelp(_srv: HostServer, _c: HostClient, _args: Buffer[], r: Reply): void {
  replyHelp(r, 'PUBSUB', [
    'CHANNELS [<pattern>]',
    "    Return the currently active channels matching a <pattern> (default: '*').",
    'NUMPAT',
    '    Return number of subscriptions to patterns.',
    'NUMSUB [<channel> ...]',
    '    Return the number of subscribers for the specified channels, excluding',
    '    pattern subscriptions(default: no channels).',
    'SHARDCHANNELS [<pattern>]',
    "    Return the currently active shard level channels matching a <pattern> (default: '*').",
    'SHARDNUMSUB [<shardchannel> ...]',
    '    Return the number of subscribers for the specified shard level channel(s)',
  ]);
}

export function register(): void {
  registerHost(CMD_PUBLISH, cmdPublish);
  registerHost(CMD_SPUBLISH, cmdSpublish);
  registerHost(CMD_SUBSCRIBE, cmdSubscribe);
  registerHost(CMD_PSUBSCRIBE, cmdPsubscribe);
  registerHost(CMD_SSUBSCRIBE, cmdSsubscribe);
  registerHost(CMD_UNSUBSCRIBE, cmdUnsubscribe);
  registerHost(CMD_PUNSUBSCRIBE, cmdPunsubscribe);
  registerHost(CMD_SUNSUBSCRIBE, cmdSunsubscribe);
  registerHost(CMD_PUBSUB_CHANNELS, cmdPubsubChannels);
  registerHost(CMD_PUBSUB_SHARDCHANNELS, cmdPubsubShardchannels);
  registerHost(CMD_PUBSUB_NUMSUB, cmdPubsubNumsub);
  registerHost(CMD_PUBSUB_SHARDNUMSUB, cmdPubsubShardnumsub);
  registerHost(CMD_PUBSUB_NUMPAT, cmdPubsubNumpat);
  registerHost(CMD_PUBSUB_HELP, cmdPubsubHelp);
}
