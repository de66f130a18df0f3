// The README's cache-aside example (examples/cache-aside.mjs) runs as
// written, against the built package imported by its name.
import { it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

it('examples/cache-aside.mjs prints what the README says', () => {
  const file = fileURLToPath(new URL('../../examples/cache-aside.mjs', import.meta.url));
  const r = spawnSync(process.execPath, [file], { encoding: 'utf8', timeout: 20000 });
  expect(r.stderr).toBe('');
  expect(r.stdout).toBe([
    "{ id: 42, name: 'User 42', plan: 'pro' }",
    "{ id: 42, name: 'User 42', plan: 'pro' }",
    'source reads: 1',
    'ttl: 300',
    'hot path, synchronous: {"id":42,"name":"User 42","plan":"pro"}',
    '',
  ].join('\n'));
});
