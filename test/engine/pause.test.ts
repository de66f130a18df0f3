// CLIENT PAUSE inside the engine loop: a held command is not consumed, the
// commands before it run, and execute(id, 0, now) runs it after unpausing.
import { describe, it, expect } from 'vitest';
import { TestEngine } from '../helpers/engine.js';
import { encodeCommand } from '../helpers/resp.js';
import { ST_OK, ST_PAUSED, PAUSE_NONE, PAUSE_WRITE, PAUSE_ALL } from '../../src/engine/engine.js';

const cmds = (...list: string[][]): Buffer => Buffer.concat(list.map((c) => encodeCommand(c)));

describe('engine pause', () => {
  for (const inline of [false, true]) {
    it(`WRITE holds the first write and everything after it (${inline ? 'inline' : 'multibulk'})`, () => {
      const t = new TestEngine();
      const x = t.engine.x;
      x.setClientPause(PAUSE_WRITE);
      const input = inline ? Buffer.from('GET k\r\nSET k v\r\nGET k\r\n') : cmds(['GET', 'k'], ['SET', 'k', 'v'], ['GET', 'k']);
      expect(t.engine.feed(t.client, input, t.now)).toBe(ST_PAUSED);
      expect(t.engine.takeOutput()!.toString()).toBe('$-1\r\n');
      expect(x.clientQbuf(t.client)).toBe(input.length - (inline ? 7 : encodeCommand(['GET', 'k']).length));
      // More bytes while paused: still held, nothing runs.
      expect(t.engine.feed(t.client, cmds(['PING']), t.now)).toBe(ST_PAUSED);
      expect(t.engine.takeOutput()).toBe(null);
      // Arity errors come before the pause check, as in Redis.
      const other = t.newClient();
      expect(t.engine.feed(other, cmds(['SET', 'k']), t.now)).toBe(ST_OK);
      expect(t.engine.takeOutput()!.toString()).toBe("-ERR wrong number of arguments for 'set' command\r\n");
      x.setClientPause(PAUSE_NONE);
      expect(t.engine.resume(t.client, t.now)).toBe(ST_OK);
      expect(t.engine.takeOutput()!.toString()).toBe('+OK\r\n$1\r\nv\r\n+PONG\r\n');
      expect(x.commandsProcessed()).toBe(4);
    });
  }

  it('ALL holds reads too', () => {
    const t = new TestEngine();
    t.engine.x.setClientPause(PAUSE_ALL);
    expect(t.engine.feed(t.client, cmds(['PING']), t.now)).toBe(ST_PAUSED);
    expect(t.engine.takeOutput()).toBe(null);
    t.engine.x.setClientPause(PAUSE_NONE);
    expect(t.engine.resume(t.client, t.now)).toBe(ST_OK);
    expect(t.engine.takeOutput()!.toString()).toBe('+PONG\r\n');
  });
});
