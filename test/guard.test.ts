// The guard: every command and subcommand of table/commands.json must be
// mentioned in some test file under test/ (this file aside). A command counts
// as mentioned when its name appears as a whole command word, in any case:
// not inside a longer word ("GET" is not found in "GETBIT", "target" or
// "GET_X"; '-' and '_' count as word characters so "NO-EVICT" stays whole).
// A subcommand counts when it follows its container word with only
// separators between them: `'CLIENT', 'NO-EVICT'`, `CLIENT NO-EVICT`,
// `client|no-evict`.
import { describe, it, expect } from 'vitest';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const testDir = fileURLToPath(new URL('.', import.meta.url));
const self = fileURLToPath(import.meta.url);

function testFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...testFiles(p));
    else if (/\.(test|spec)\.[cm]?[jt]s$/.test(name) && p !== self) out.push(p);
  }
  return out;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const W = 'A-Za-z0-9_\\-';

/** Whole command word, any case. */
export function commandWord(name: string): RegExp {
  return new RegExp(`(?<![${W}])${escape(name)}(?![${W}])`, 'i');
}

/** Container word then subcommand word, only separators (quotes, commas, spaces, '|') between. */
export function subcommandWords(container: string, sub: string): RegExp {
  return new RegExp(`(?<![${W}])${escape(container)}['"\`]?(?:\\s*,\\s*['"\`]?|\\s+|\\|)${escape(sub)}(?![${W}])`, 'i');
}

interface Spec { subcommands?: Record<string, unknown> }

function required(): { label: string; re: RegExp }[] {
  const table: Record<string, Spec> = JSON.parse(readFileSync(join(testDir, '../table/commands.json'), 'utf8'));
  const out: { label: string; re: RegExp }[] = [];
  for (const [name, spec] of Object.entries(table)) {
    out.push({ label: name, re: commandWord(name) });
    for (const sub of Object.keys(spec.subcommands ?? {})) out.push({ label: `${name} ${sub}`, re: subcommandWords(name, sub) });
  }
  return out;
}

describe('guard: every command of the table has a test', () => {
  it('the matching rules behave as documented', () => {
    expect(commandWord('GET').test("cmd('GETBIT', 'k')")).toBe(false);
    expect(commandWord('GET').test('a target value')).toBe(false);
    expect(commandWord('GET').test("cmd('get', 'k')")).toBe(true);
    expect(commandWord('SET').test('SET_X')).toBe(false);
    expect(commandWord('EXPIRE').test("'PEXPIRE'")).toBe(false);
    expect(commandWord('CLIENT').test("'CLIENT-X'")).toBe(false);
    expect(subcommandWords('CLIENT', 'NO-EVICT').test("c.cmd('CLIENT', 'NO-EVICT', 'on')")).toBe(true);
    expect(subcommandWords('CLIENT', 'NO-EVICT').test('CLIENT NO-EVICT on')).toBe(true);
    expect(subcommandWords('object', 'encoding').test("'object|encoding'")).toBe(true);
    expect(subcommandWords('CONFIG', 'SET').test("'CONFIG', 'SETX'")).toBe(false);
    expect(subcommandWords('CONFIG', 'SET').test("'CONFIG' then later 'SET'")).toBe(false);
  });

  it('each command and subcommand appears in some test file', () => {
    const files = testFiles(testDir);
    expect(files.length).toBeGreaterThan(0);
    const texts = files.map((f) => readFileSync(f, 'utf8'));
    const missing = required().filter(({ re }) => !texts.some((t) => re.test(t))).map((r) => r.label);
    expect(missing, `commands with no test (searched ${files.map((f) => relative(testDir, f)).join(', ')})`).toEqual([]);
  });
});
