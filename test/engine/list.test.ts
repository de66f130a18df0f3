// The list family (assembly/commands/list.ts, ds/quicklist.ts) through the
// engine. The tables of list.cases.ts run at several node fills, so every
// command meets one-node lists and lists of many small nodes; after each row
// the quicklist's invariants are checked. A randomized run against a model
// array covers the node splitting and merging paths; the blocking commands'
// wait, timeout and unblock replies are checked here without a host.
import { describe, it, expect } from 'vitest';
import { TestEngine } from '../helpers/engine.js';
import { encodeCommand } from '../helpers/resp.js';
import { ST_BLOCKED, ST_OK, ST_READY, CF_NO_BLOCK, CF_UNBLOCK_TIMEOUT, CF_UNBLOCK_ERROR } from '../../src/engine/engine.js';
import { LIST_TABLES, Arg } from './list.cases.js';
import { Prng } from '../helpers/prng.js';

// list-max-listpack-size values: Redis's default (8 KiB nodes), nodes of
// one and three entries, and 4 KiB nodes.
const FILLS = [-2, 1, 3, -1];

function setFill(t: TestEngine, fill: number): void {
  t.engine.x.setEncodingLimits(fill, 0, 512, 64, 512, 128, 64);
}

/** Node count of a list key after checking its invariants; -2 if no such list, -1 if broken. */
function listNodes(t: TestEngine, key: Arg, db = 0): number {
  const b = Buffer.isBuffer(key) ? key : Buffer.from(key, 'latin1');
  const p = t.engine.x.hostArg(b.length);
  new Uint8Array(t.engine.x.memory.buffer, p, b.length).set(b);
  return t.engine.x.dsListNodes(db, b.length);
}

describe('list tables', () => {
  for (const fill of FILLS) {
    describe(`list-max-listpack-size ${fill}`, () => {
      for (const table of LIST_TABLES) {
        it(table.name, () => {
          const t = new TestEngine();
          setFill(t, fill);
          for (const [i, [args, reply]] of table.rows.entries()) {
            const label = `row ${i}: ${args.map(String).join(' ').slice(0, 80)}`;
            expect(t.rawCmd(...args), label).toBe(reply);
            for (const k of args.slice(1, 3)) expect(listNodes(t, k), `${label}: nodes of ${k}`).not.toBe(-1);
          }
        });
      }
    });
  }
});

describe('list encodings and nodes', () => {
  it('every list is a quicklist, as in Redis 7.0, and CONFIG SET applies to new lists', () => {
    const t = new TestEngine();
    expect(t.cmd('RPUSH', 'l', 'a')).toBe(1);
    expect(t.cmd('OBJECT', 'ENCODING', 'l')).toBe('quicklist');
    setFill(t, 1);
    t.cmd('RPUSH', 'l', 'b', 'c');
    expect(listNodes(t, 'l')).toBe(1); // fill is the list's own, from its creation
    t.cmd('RPUSH', 'm', 'a', 'b', 'c');
    expect(listNodes(t, 'm')).toBe(3);
    expect(t.cmd('OBJECT', 'ENCODING', 'm')).toBe('quicklist');
  });

  // Node counts checked against DEBUG OBJECT's ql_nodes on redis-server 7.0.15.
  it('fills nodes as Redis does', () => {
    const t = new TestEngine();
    for (let i = 1; i <= 1000; i++) t.cmd('RPUSH', 'a', 'x'.repeat(100));
    for (let i = 1; i <= 1000; i++) t.cmd('RPUSH', 'b', i);
    for (let i = 1; i <= 300; i++) t.cmd('LPUSH', 'c', 'y'.repeat(i * 10));
    expect([listNodes(t, 'a'), listNodes(t, 'b'), listNodes(t, 'c')]).toEqual([13, 1, 65]);
    setFill(t, 4);
    for (let i = 1; i <= 50; i++) t.cmd('RPUSH', 'd', i);
    t.cmd('LINSERT', 'd', 'BEFORE', '10', 'x');
    t.cmd('LINSERT', 'd', 'AFTER', '10', 'x');
    t.cmd('LINSERT', 'd', 'AFTER', '12', 'x');
    expect(listNodes(t, 'd')).toBe(15);
  });

  it('an element over 8 KiB sits alone in its node', () => {
    const t = new TestEngine();
    setFill(t, 100);
    t.cmd('RPUSH', 'l', 'a', 'b', 'x'.repeat(9000), 'c', 'd');
    expect(listNodes(t, 'l')).toBe(3);
    setFill(t, -5);
    t.cmd('RPUSH', 'm', 'a', 'x'.repeat(70000), 'b');
    expect(listNodes(t, 'm')).toBe(3);
  });

  it('COPY gives the copy its own nodes', () => {
    const t = new TestEngine();
    setFill(t, 2);
    t.cmd('RPUSH', 'l', 'a', 'b', 'c', 'd', 'e');
    expect(t.cmd('COPY', 'l', 'm')).toBe(1);
    t.cmd('LSET', 'm', 2, 'X');
    t.cmd('DEL', 'l');
    expect(t.cmd('LRANGE', 'm', 0, -1)).toEqual(['a', 'b', 'X', 'd', 'e']);
    expect(listNodes(t, 'm')).toBe(3);
  });
});

describe('list memory', () => {
  it('deleting lists gives back every byte they took', () => {
    const t = new TestEngine();
    setFill(t, 2);
    const round = () => {
      for (let i = 0; i < 300; i++) t.cmd('RPUSH', 'l', `v${i % 13}`, 'y'.repeat(i % 50), String(i));
      for (let i = 0; i < 100; i++) t.cmd('LINSERT', 'l', i % 2 ? 'AFTER' : 'BEFORE', `v${i % 13}`, `ins${i}`);
      t.cmd('LREM', 'l', 0, 'v3');
      t.cmd('LTRIM', 'l', 5, -5);
      t.cmd('LSET', 'l', 10, 'z'.repeat(9000));
      t.cmd('COPY', 'l', 'm');
      t.cmd('LMOVE', 'l', 'n', 'LEFT', 'RIGHT');
      t.cmd('RENAME', 'm', 'mm');
      t.cmd('LMPOP', 1, 'l', 'LEFT', 'COUNT', 50);
      t.cmd('DEL', 'l', 'mm', 'n');
    };
    round(); // sizes the client's buffers and the keyspace once
    const base = t.engine.x.usedMemory();
    round();
    round();
    expect(t.engine.x.usedMemory()).toBe(base);
  });
});

// ---- randomized model test ---------------------------------------------------------

const VALUES = ['a', 'b', 'c', '1', '01', '-7', '300', '', 'x'.repeat(70), 'y'.repeat(3000)];

describe('lists against a model array', () => {
  for (const fill of [1, 2, 4, -1, -2]) {
    it(`random operations at fill ${fill}`, () => {
      const t = new TestEngine();
      setFill(t, fill);
      const rnd = new Prng(1000 + fill);
      const pick = <T>(xs: T[]): T => rnd.pick(xs);
      let model: string[] = [];
      const idx = () => rnd.int(model.length + 4) - 2 - (rnd.int(2) ? model.length : 0);
      const norm = (i: number) => (i < 0 ? model.length + i : i);
      for (let step = 0; step < 3000; step++) {
        const v = pick(VALUES);
        const op = rnd.int(12);
        let args: (string | number)[] = [];
        let want: unknown;
        if (op === 0) {
          const vs = [v, pick(VALUES)];
          args = ['LPUSH', 'l', ...vs];
          model = [...vs.reverse(), ...model];
          want = model.length;
        } else if (op === 1) {
          const vs = [v, pick(VALUES), pick(VALUES)];
          args = ['RPUSH', 'l', ...vs];
          model.push(...vs);
          want = model.length;
        } else if (op === 2) {
          const n = rnd.int(4);
          args = ['LPOP', 'l', n];
          want = model.length === 0 ? null : model.splice(0, n);
        } else if (op === 3) {
          args = ['RPOP', 'l'];
          want = model.length === 0 ? null : model.pop();
        } else if (op === 4) {
          const after = rnd.int(2) === 1;
          args = ['LINSERT', 'l', after ? 'AFTER' : 'BEFORE', v, pick(VALUES)];
          const at = model.indexOf(v);
          if (model.length === 0) want = 0;
          else if (at < 0) want = -1;
          else {
            model.splice(after ? at + 1 : at, 0, String(args[4]));
            want = model.length;
          }
        } else if (op === 5) {
          const count = rnd.int(5) - 2;
          args = ['LREM', 'l', count, v];
          let removed = 0;
          if (count >= 0) {
            model = model.filter((x) => (x === v && (count === 0 || removed < count) ? (removed++, false) : true));
          } else {
            model = model.reverse().filter((x) => (x === v && removed < -count ? (removed++, false) : true)).reverse();
          }
          want = removed;
        } else if (op === 6) {
          const i = idx();
          args = ['LSET', 'l', i, v];
          const j = norm(i);
          if (model.length === 0) want = { error: 'ERR no such key' };
          else if (j < 0 || j >= model.length) want = { error: 'ERR index out of range' };
          else { model[j] = v; want = 'OK'; }
        } else if (op === 7 && rnd.int(4) === 0) {
          const a = idx(), b = idx();
          args = ['LTRIM', 'l', a, b];
          let s = norm(a), e = norm(b);
          if (s < 0) s = 0;
          model = s > e || s >= model.length ? [] : model.slice(s, Math.min(e, model.length - 1) + 1);
          want = 'OK';
        } else if (op === 8) {
          const a = idx(), b = idx();
          args = ['LRANGE', 'l', a, b];
          let s = norm(a), e = norm(b);
          if (s < 0) s = 0;
          want = s > e || s >= model.length ? [] : model.slice(s, Math.min(e, model.length - 1) + 1);
        } else if (op === 9) {
          const i = idx();
          args = ['LINDEX', 'l', i];
          const j = norm(i);
          want = j >= 0 && j < model.length ? model[j] : null;
        } else if (op === 10) {
          const from = rnd.int(2) ? 'LEFT' : 'RIGHT', to = rnd.int(2) ? 'LEFT' : 'RIGHT';
          args = ['LMOVE', 'l', 'l', from, to];
          if (model.length === 0) want = null;
          else {
            const x = from === 'LEFT' ? model.shift()! : model.pop()!;
            if (to === 'LEFT') model.unshift(x); else model.push(x);
            want = x;
          }
        } else {
          const rank = pick([1, 2, -1, -2]);
          args = ['LPOS', 'l', v, 'RANK', rank, 'COUNT', 0];
          const hits = model.map((x, i) => (x === v ? i : -1)).filter((i) => i >= 0);
          if (rank < 0) hits.reverse();
          want = hits.slice(Math.abs(rank) - 1);
        }
        if (args.length === 0) continue;
        expect(t.cmd(...args), `step ${step}: ${args.join(' ').slice(0, 60)}`).toEqual(want);
        const nodes = listNodes(t, 'l');
        if (model.length === 0) expect(nodes, `step ${step}: an empty list is deleted`).toBe(-2);
        else expect(nodes, `step ${step}: invariants`).toBeGreaterThan(0);
        expect(t.cmd('LLEN', 'l')).toBe(model.length);
      }
      expect(t.cmd('LRANGE', 'l', 0, -1)).toEqual(model);
    });
  }
});

// ---- blocking without a host ----------------------------------------------------------

describe('blocking list commands in the engine', () => {
  function block(t: TestEngine, args: (string | number)[]): void {
    const st = t.engine.feed(t.client, encodeCommand(args), t.now);
    expect(st).toBe(ST_BLOCKED);
    expect(t.engine.takeOutput()?.length ?? 0).toBe(0);
  }
  function endWait(t: TestEngine, flag: number): string {
    const x = t.engine.x;
    x.setClientFlags(t.client, x.clientFlags(t.client) | flag);
    expect(t.engine.resume(t.client, t.now)).toBe(ST_OK);
    return t.engine.takeOutput()?.toString('latin1') ?? '';
  }

  const waits: [string, (string | number)[], number, string[]][] = [
    ['BLPOP', ['BLPOP', 'a', 'b', 0], 1, ['a', 'b']],
    ['BRPOP', ['BRPOP', 'a', 0], 1, ['a']],
    ['BLMOVE', ['BLMOVE', 'a', 'd', 'LEFT', 'RIGHT', 0], 1, ['a']],
    ['BRPOPLPUSH', ['BRPOPLPUSH', 'a', 'd', 0], 1, ['a']],
    ['BLMPOP', ['BLMPOP', 0, 3, 'a', 'b', 'c', 'LEFT', 'COUNT', 2], 1, ['a', 'b', 'c']],
  ];
  for (const [name, args, , keys] of waits) {
    it(`${name} waits on its keys and replies null arrays on timeout (RESP2 and RESP3)`, () => {
      const t = new TestEngine();
      block(t, args);
      expect(t.engine.blockedOn().keys.map((k) => k.toString())).toEqual(keys);
      expect(endWait(t, CF_UNBLOCK_TIMEOUT)).toBe('*-1\r\n');
      t.setProto(3);
      block(t, args);
      expect(endWait(t, CF_UNBLOCK_TIMEOUT)).toBe('_\r\n');
      block(t, args);
      expect(endWait(t, CF_UNBLOCK_ERROR)).toBe('-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n');
    });
  }

  it('inside MULTI (no blocking) the reply is at once: null bulk for BLMOVE/BRPOPLPUSH', () => {
    const t = new TestEngine();
    t.engine.x.setClientFlags(t.client, CF_NO_BLOCK);
    expect(t.rawCmd('BLPOP', 'a', 0)).toBe('*-1\r\n');
    expect(t.rawCmd('BLMPOP', 0, 1, 'a', 'LEFT')).toBe('*-1\r\n');
    expect(t.rawCmd('BLMOVE', 'a', 'b', 'LEFT', 'LEFT', 0)).toBe('$-1\r\n');
    expect(t.rawCmd('BRPOPLPUSH', 'a', 'b', 0)).toBe('$-1\r\n');
    t.setProto(3);
    expect(t.rawCmd('BRPOPLPUSH', 'a', 'b', 0)).toBe('_\r\n');
  });

  it('a woken command that finds its key pushed to serves itself', () => {
    const t = new TestEngine();
    block(t, ['BLMOVE', 'src', 'dst', 'RIGHT', 'LEFT', 0]);
    const other = t.newClient();
    t.engine.x.setBlockedWatch(1);
    expect(t.raw(encodeCommand(['RPUSH', 'src', 'a', 'b']), other).toString()).toBe(':2\r\n');
    expect(t.engine.takeReadyKeys()).toEqual(['0:src']);
    // Its push creates dst, which may serve another waiter (a BLMOVE chain).
    expect(t.engine.resume(t.client, t.now)).toBe(ST_READY);
    expect(t.engine.takeOutput()?.toString()).toBe('$1\r\nb\r\n');
    expect(t.engine.takeReadyKeys()).toEqual(['0:dst']);
    // A push into an existing list signals too (dbAdd covers new keys).
    expect(t.raw(encodeCommand(['LPUSH', 'dst', 'z']), other).toString()).toBe(':2\r\n');
    expect(t.engine.takeReadyKeys()).toEqual(['0:dst']);
    t.engine.x.setBlockedWatch(0);
  });

  // Redis 7.0: ceill(seconds * 1000.0L) as a long long, then plus now
  // without an overflow check (a wrapped deadline never fires).
  const timeouts: [string, number | string][] = [
    ['0', 0], ['1', 1000], ['0.1', 100], ['0.0001', 1], ['1e-10', 1], ['0x1p-20', 1], ['0.0015', 2],
    ['-0', 0], ['-0.0001', 0], ['-1e-10', 0], ['-0.0009', 0], ['-0.001', 0], ['1.0005', 1001], ['0x10', 16000],
    ['9223372036854775', 0], ['9223372036854775.807', 0],
    ['-0.0015', 'ERR timeout is negative'], ['-1', 'ERR timeout is negative'], ['1e400', 'ERR timeout is negative'],
    ['inf', 'ERR timeout is negative'], ['9223372036854775.808', 'ERR timeout is negative'],
    ['nan', 'ERR timeout is not a float or out of range'], ['x', 'ERR timeout is not a float or out of range'],
    ['', 'ERR timeout is not a float or out of range'], [' 1', 'ERR timeout is not a float or out of range'],
  ];
  for (const [arg, want] of timeouts) {
    it(`timeout ${JSON.stringify(arg)}`, () => {
      const t = new TestEngine();
      const st = t.engine.feed(t.client, encodeCommand(['BLPOP', 'nokey', arg]), t.now);
      if (typeof want === 'string') {
        expect(st).toBe(ST_OK);
        expect(t.engine.takeOutput()?.toString()).toBe(`-${want}\r\n`);
      } else {
        expect(st).toBe(ST_BLOCKED);
        const { deadline } = t.engine.blockedOn();
        expect(deadline === 0 ? 0 : deadline - t.now).toBe(want);
      }
    });
  }
});
