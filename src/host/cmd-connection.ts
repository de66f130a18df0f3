// Connection commands the host runs: HELLO AUTH QUIT RESET.
import { registerHost, HostServer, HostClient } from './context.js';
import { Reply } from './reply.js';
import { CMD_HELLO, CMD_AUTH, CMD_QUIT, CMD_RESET } from '../engine/commands.gen.js';
import { CF_AUTHED, CF_REPLY_OFF, CF_REPLY_SKIP, CF_REPLY_SKIP_NEXT } from '../engine/engine.js';
import { optText } from './optword.js';

export const REDIS_VERSION = '7.0.15';

const E_WRONGPASS = 'WRONGPASS invalid username-password pair or user is disabled.';

/**
 * Compares without an early exit, so the time taken does not tell how many
 * leading bytes of a guess were right (Redis compares SHA-256 digests with
 * a time-independent strcmp for the same reason).
 */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  const n = Math.max(a.length, b.length);
  let diff = a.length ^ b.length;
  for (let i = 0; i < n; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}

/** Checks a username/password against requirepass (the default user). */
export function checkPassword(srv: HostServer, user: Buffer | null, pass: Buffer): boolean {
  if (user && user.toString() !== 'default') return false;
  const want = srv.config.get('requirepass');
  if (want === '') return true;
  return sameBytes(pass, Buffer.from(want, 'utf8'));
}

function setAuthed(srv: HostServer, c: HostClient): void {
  const x = srv.engine.x;
  x.setClientFlags(c.slot, x.clientFlags(c.slot) | CF_AUTHED);
}

// AUTH [username] password
function cmdAuth(srv: HostServer, c: HostClient, args: Buffer[], r: Reply): void {
  if (args.length > 3) { r.error('ERR syntax error'); return; }
  const user = args.length === 3 ? args[1] : null;
  const pass = args[args.length - 1];
  if (!user && srv.config.get('requirepass') === '') {
    r.error('ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?');
    return;
  }
  if (!checkPassword(srv, user, pass)) { r.error(E_WRONGPASS); return; }
  setAuthed(srv, c);
  r.ok();
}

// HELLO [protover [AUTH username password] [SETNAME clientname]]
function cmdHello(srv: HostServer, c: HostClient, args: Buffer[], r: Reply): void {
  const x = srv.engine.x;
  let ver = 0;
  let next = 1;
  if (args.length >= 2) {
    const s = args[1].toString();
    if (!/^-?\d+$/.test(s) || !Number.isSafeInteger(Number(s))) {
      r.error('ERR Protocol version is not an integer or out of range');
      return;
    }
    ver = Number(s);
    next = 2;
    if (ver < 2 || ver > 3) { r.error('NOPROTO unsupported protocol version'); return; }
  }
  let auth: [Buffer, Buffer] | null = null;
  let setname: Buffer | null = null;
  for (let j = next; j < args.length; j++) {
    const more = args.length - j - 1;
    const opt = optText(args[j]).toUpperCase();
    if (opt === 'AUTH' && more >= 2) {
      auth = [args[j + 1], args[j + 2]];
      j += 2;
    } else if (opt === 'SETNAME' && more >= 1) {
      // Redis checks the name while parsing, before authenticating.
      const err = validateClientName(args[j + 1]);
      if (err) { r.error(err); return; }
      setname = args[j + 1];
      j += 1;
    } else {
      r.error(`ERR Syntax error in HELLO option '${args[j].toString()}'`);
      return;
    }
  }
  if (auth && !checkPassword(srv, auth[0], auth[1])) { r.error(E_WRONGPASS); return; }
  if (auth) setAuthed(srv, c);
  if (!auth && srv.config.get('requirepass') !== '' && (x.clientFlags(c.slot) & CF_AUTHED) === 0) {
    r.error('NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time');
    return;
  }
  if (setname) c.name = setname.toString();
  if (ver) {
    x.setClientProto(c.slot, ver);
    r.proto = ver;
  }
  r.map(7);
  r.bulk('server').bulk('redis');
  r.bulk('version').bulk(REDIS_VERSION);
  r.bulk('proto').int(x.clientProto(c.slot));
  r.bulk('id').int(c.id);
  r.bulk('mode').bulk('standalone');
  r.bulk('role').bulk('master');
  r.bulk('modules').array(0);
}

/** Redis's rule for CLIENT SETNAME / HELLO SETNAME: printable, no spaces. */
export function validateClientName(name: Buffer): string | null {
  for (const b of name) {
    if (b < 0x21 || b > 0x7e) return 'ERR Client names cannot contain spaces, newlines or special characters.';
  }
  return null;
}

// QUIT
function cmdQuit(_srv: HostServer, c: HostClient, _args: Buffer[], r: Reply): void {
  r.ok();
  c.closeAfterReply = true;
}

// RESET: back to a fresh connection's state (out of MULTI, no watched keys,
// no subscriptions, db 0, RESP2, no name, replies on, deauthenticated when a
// password is set).
function cmdReset(srv: HostServer, c: HostClient, _args: Buffer[], r: Reply): void {
  const x = srv.engine.x;
  x.clientResetTx(c.slot);
  // Subscriptions end silently (no unsubscribe frames), CF_PUBSUB with them.
  srv.pubsub.dropClient(c);
  x.setClientDb(c.slot, 0);
  x.setClientProto(c.slot, 2);
  r.proto = 2;
  let flags = x.clientFlags(c.slot) & ~(CF_REPLY_OFF | CF_REPLY_SKIP | CF_REPLY_SKIP_NEXT);
  if (srv.config.get('requirepass') !== '') flags &= ~CF_AUTHED;
  x.setClientFlags(c.slot, flags);
  c.name = '';
  c.noEvict = false;
  srv.monitors.remove(c);
  r.simple('RESET');
}

export function register(): void {
  registerHost(CMD_AUTH, cmdAuth);
  registerHost(CMD_HELLO, cmdHello);
  registerHost(CMD_QUIT, cmdQuit);
  registerHost(CMD_RESET, cmdReset);
}
