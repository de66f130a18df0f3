// RESP2 subscriber mode in the engine's dispatch: with CF_PUBSUB set (the
// host sets it while a client holds subscriptions) a RESP2 client may run
// only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET; anything else
// gets Redis 7.0's error with the command's full name, after the unknown
// command, arity and NOAUTH checks. PING answers ["pong", message]. RESP3
// clients are not limited. Texts checked against redis-server 7.0.15.
import { describe, it, expect } from 'vitest';
import { TestEngine } from '../helpers/engine.js';
import { CF_PUBSUB, CF_REPLY_OFF, ST_HANDOFF } from '../../src/engine/engine.js';
import { encodeCommand } from '../helpers/resp.js';
import { COMMANDS } from '../../src/engine/commands.gen.js';

const refused = (name: string) => ({
  error: `ERR Can't execute '${name}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context`,
});

function subscriber(proto: 2 | 3 = 2): TestEngine {
  const t = new TestEngine();
  t.setProto(proto);
  const x = t.engine.x;
  x.setClientFlags(t.client, x.clientFlags(t.client) | CF_PUBSUB);
  return t;
}

/** The command id the engine hands to the host for `args`, or null if it ran it. */
function handedOff(t: TestEngine, ...args: string[]): string | null {
  const st = t.engine.feed(t.client, encodeCommand(args), t.now);
  t.engine.takeOutput();
  return st === ST_HANDOFF ? COMMANDS[t.engine.x.handoffCmd()].name : null;
}

describe('RESP2 subscriber mode (CF_PUBSUB)', () => {
  it('refuses other commands with their full name', () => {
    const t = subscriber();
    expect(t.cmd('GET', 'x')).toEqual(refused('get'));
    expect(t.cmd('set', 'x', '1')).toEqual(refused('set'));
    expect(t.cmd('OBJECT', 'ENCODING', 'x')).toEqual(refused('object|encoding'));
    expect(t.cmd('CLIENT', 'INFO')).toEqual(refused('client|info'));
    expect(t.cmd('HELLO', '3')).toEqual(refused('hello'));
    expect(t.cmd('PUBLISH', 'a', 'b')).toEqual(refused('publish'));
    expect(t.cmd('PUBSUB', 'NUMPAT')).toEqual(refused('pubsub|numpat'));
    expect(t.cmd('SELECT', '1')).toEqual(refused('select'));
    expect(t.cmd('MULTI')).toEqual(refused('multi'));
    // EXEC's refusal is an EXECABORT (Redis's execCommandAbort).
    expect(t.cmd('EXEC')).toEqual({ error: `EXECABORT Transaction discarded because of: ${refused('exec').error.slice(4)}` });
    // Nothing ran.
    t.engine.x.setClientFlags(t.client, 0);
    expect(t.cmd('GET', 'x')).toBe(null);
    expect(t.engine.x.clientDb(t.client)).toBe(0);
  });

  it('unknown commands, arity and unknown subcommands are reported first', () => {
    const t = subscriber();
    expect(t.cmd('FOO', 'bar')).toEqual({ error: "ERR unknown command 'FOO', with args beginning with: 'bar' " });
    expect(t.cmd('GET')).toEqual({ error: "ERR wrong number of arguments for 'get' command" });
    expect(t.cmd('CLIENT', 'FOO')).toEqual({ error: "ERR unknown subcommand 'FOO'. Try CLIENT HELP." });
    expect(t.cmd('PING', 'a', 'b')).toEqual({ error: "ERR wrong number of arguments for 'ping' command" });
    expect(t.cmd('SUBSCRIBE')).toEqual({ error: "ERR wrong number of arguments for 'subscribe' command" });
  });

  it('counts refusals as rejected calls (INFO commandstats)', () => {
    const t = subscriber();
    const get = COMMANDS.find((c) => c.name === 'get')!.id;
    const before = t.engine.x.cmdRejected(get);
    t.cmd('GET', 'x');
    t.cmd('GET', 'y');
    expect(t.engine.x.cmdRejected(get) - before).toBe(2);
    expect(t.engine.x.cmdCalls(get)).toBe(0);
  });

  it('hands the allowed commands to the host', () => {
    const t = subscriber();
    expect(handedOff(t, 'SUBSCRIBE', 'a')).toBe('subscribe');
    expect(handedOff(t, 'PSUBSCRIBE', 'a*')).toBe('psubscribe');
    expect(handedOff(t, 'SSUBSCRIBE', 'a')).toBe('ssubscribe');
    expect(handedOff(t, 'UNSUBSCRIBE')).toBe('unsubscribe');
    expect(handedOff(t, 'PUNSUBSCRIBE')).toBe('punsubscribe');
    expect(handedOff(t, 'SUNSUBSCRIBE')).toBe('sunsubscribe');
    expect(handedOff(t, 'RESET')).toBe('reset');
    expect(handedOff(t, 'QUIT')).toBe('quit');
  });

  it('PING answers ["pong", message] in RESP2 only', () => {
    const t = subscriber();
    expect(t.rawCmd('PING')).toBe('*2\r\n$4\r\npong\r\n$0\r\n\r\n');
    expect(t.rawCmd('PING', 'hi')).toBe('*2\r\n$4\r\npong\r\n$2\r\nhi\r\n');
    t.setProto(3);
    expect(t.rawCmd('PING')).toBe('+PONG\r\n');
    expect(t.rawCmd('PING', 'hi')).toBe('$2\r\nhi\r\n');
  });

  it('RESP3 subscribers run anything', () => {
    const t = subscriber(3);
    expect(t.cmd('SET', 'x', '1')).toBe('OK');
    expect(t.cmd('GET', 'x')).toBe('1');
    expect(handedOff(t, 'PUBLISH', 'a', 'b')).toBe('publish');
  });

  it('CLIENT REPLY OFF silences the refusal too', () => {
    const t = subscriber();
    const x = t.engine.x;
    x.setClientFlags(t.client, x.clientFlags(t.client) | CF_REPLY_OFF);
    expect(t.rawCmd('GET', 'x')).toBe('');
    expect(t.rawCmd('PING')).toBe('');
  });
});
