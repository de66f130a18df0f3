// Time in the embedded store: an injected ManualClock drives expiry on
// access, the active expiry cycle (the same cron as the server), TIME and
// CLIENT PAUSE without sleeping; the real clock's timers run the cycle too
// and never keep Node alive.
import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Vermilion, ManualClock } from '../../src/index.js';
import { storesClosedAfterEach } from '../helpers/stores.js';

const T0 = 1_700_000_000_000;
const open = storesClosedAfterEach();

const stat = (db: Vermilion, name: string) => Number((db.sync.info('stats') as string).match(new RegExp(`${name}:(\\d+)`))![1]);

describe('ManualClock', () => {
  it('runs timers in deadline order, each seeing its own deadline as now', () => {
    const c = new ManualClock(1000);
    const seen: [string, number][] = [];
    c.setTimer(() => seen.push(['b', c.now()]), 20);
    c.setTimer(() => {
      seen.push(['a', c.now()]);
      c.setTimer(() => seen.push(['a2', c.now()]), 5);
    }, 10);
    const gone = c.setTimer(() => seen.push(['x', c.now()]), 15);
    c.clearTimer(gone);
    c.advance(30);
    expect(seen).toEqual([['a', 1010], ['a2', 1015], ['b', 1020]]);
    expect(c.now()).toBe(1030);
    expect(() => c.advance(-1)).toThrow(RangeError);
  });
});

describe('expiry with an injected clock', () => {
  it('expires on access', () => {
    const clock = new ManualClock(T0);
    const db = open({ clock, config: { hz: 1 } });
    db.sync.set('k', 'v', 'PX', 1500);
    expect(db.sync.pttl('k')).toBe(1500);
    // Redis expires a key once now is past its time (keyIsExpired: now > when).
    clock.advanceTo(T0 + 1500);
    expect(db.sync.get('k')).toBe('v');
    clock.advanceTo(T0 + 1501);
    expect(db.sync.get('k')).toBe(null);
    expect(db.sync.exists('k')).toBe(0);
  });

  it('expires keys nobody reads in the active cycle (the server cron)', () => {
    const clock = new ManualClock(T0);
    const db = open({ clock });
    for (let i = 0; i < 200; i++) db.sync.set(`t${i}`, 'v', 'PX', 100 + i);
    for (let i = 0; i < 50; i++) db.sync.set(`p${i}`, 'v');
    expect(db.sync.dbsize()).toBe(250);
    clock.advance(400);
    // DBSIZE counts keys without touching them: only the cron removed these.
    expect(db.sync.dbsize()).toBe(50);
    expect(stat(db, 'expired_keys')).toBe(200);
  });

  it('gives TIME from the clock and ends CLIENT PAUSE on it', () => {
    const clock = new ManualClock(T0 + 250);
    const db = open({ clock });
    expect(db.sync.time()).toEqual([String(T0 / 1000), '250000']);
    db.sync.client('PAUSE', 500, 'WRITE');
    expect(() => db.sync.set('k', 'v')).toThrow(expect.objectContaining({ code: 'EWOULDBLOCK' }));
    clock.advance(499);
    expect(() => db.duplicate().sync.set('k', 'v')).toThrow(expect.objectContaining({ code: 'EWOULDBLOCK' }));
    clock.advance(1);
    expect(db.duplicate().sync.set('k', 'v')).toBe('OK');
  });

  it('follows CONFIG SET hz at once', () => {
    const clock = new ManualClock(T0);
    const db = open({ clock, config: { hz: 1 } });
    db.sync.set('k', 'v', 'PX', 10);
    clock.advance(500);
    expect(db.sync.dbsize()).toBe(1);
    db.sync.config('SET', 'hz', 100);
    clock.advance(30);
    expect(db.sync.dbsize()).toBe(0);
  });
});

describe('expiry with the real clock', () => {
  it('runs the active cycle on timers', async () => {
    const db = open({ config: { hz: 100 } });
    for (let i = 0; i < 20; i++) db.sync.set(`k${i}`, 'v', 'PX', 20);
    const until = Date.now() + 5000;
    while (db.sync.dbsize() > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    expect(db.sync.dbsize()).toBe(0);
  });

  it('does not keep the process alive: an open store lets Node exit', () => {
    // The built package (npm test builds first), as a user's process would load it.
    const entry = fileURLToPath(new URL('../../dist/src/index.js', import.meta.url));
    const script = `import { Vermilion } from ${JSON.stringify(entry)};
      const db = await Vermilion.open({ config: { hz: 100 } });
      await db.set('k', 'v', 'EX', 100);
      console.log(await db.get('k'));`;
    const t0 = Date.now();
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script],
      { encoding: 'utf8', timeout: 20000 });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('v');
    expect(r.status).toBe(0);
    expect(Date.now() - t0).toBeLessThan(15000);
  });
});
