import { describe, it, expect } from 'vitest';
import { TestEngine } from '../helpers/engine.js';

describe('engine smoke', () => {
  it('runs SET/GET and reports unknown commands like Redis', () => {
    const t = new TestEngine();
    expect(t.cmd('SET', 'k', 'v')).toBe('OK');
    expect(t.cmd('GET', 'k')).toBe('v');
    expect(t.rawCmd('NOPE', 'a', 'b')).toBe("-ERR unknown command 'NOPE', with args beginning with: 'a' 'b' \r\n");
    expect(t.rawCmd('GET')).toBe("-ERR wrong number of arguments for 'get' command\r\n");
    expect(t.rawCmd('OBJECT', 'nope')).toBe("-ERR unknown subcommand 'nope'. Try OBJECT HELP.\r\n");
  });
});
