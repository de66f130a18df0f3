// EVAL, EVALSHA, EVAL_RO, EVALSHA_RO and SCRIPT (eval.c): the script cache
// (SHA1 -> compiled function) in the EVAL Lua state.
import { sha1Hex } from '../sha1.js';
import type { HostClient, PendingReply } from '../context.js';
import type { Reply } from '../reply.js';
import { parseStrictI64 } from '../cmd-client.js';
import { LuaSandbox } from './sandbox.js';
import type { ScriptRunner } from './runner.js';
import type { LuaVM } from './lua.js';
import { syntax51 } from './convert.js';
import { sdsSize, argStringSize, dictGrow, DICT_ENTRY, DICT_SLOT } from './memsize.js';
import { shebangFlags, prepareError, runsReadOnly, FLAG_ALLOW_OOM, FLAG_EVAL_COMPAT } from './flags.js';

const E_NOSCRIPT = 'NOSCRIPT No matching script. Please use EVAL.';
const E_NOT_INTEGER = 'ERR value is not an integer or out of range';
const E_NUMKEYS_ARGS = "ERR Number of keys can't be greater than number of args";
const E_NUMKEYS_NEG = "ERR Number of keys can't be negative";

/** EVAL's numkeys checked against the `rest` arguments after it; -1 after replying the error. */
function numKeys(arg: Buffer, rest: number, r: Reply): number {
  let n: number;
  if (arg.length === 1 && arg[0] >= 0x30 && arg[0] <= 0x39) {
    // One digit is the usual count: no BigInt parse for it.
    n = arg[0] - 0x30;
  } else {
    const big = parseStrictI64(arg);
    if (big === null) {
      r.error(E_NOT_INTEGER);
      return -1;
    }
    if (big < 0n) {
      r.error(E_NUMKEYS_NEG);
      return -1;
    }
    n = big > BigInt(rest) ? rest + 1 : Number(big);
  }
  if (n > rest) {
    r.error(E_NUMKEYS_ARGS);
    return -1;
  }
  return n;
}

interface CachedScript {
  body: Buffer;
  flags: number;
  ref: number;
}

export class EvalScripts {
  sandbox: LuaSandbox;
  /** Lowercase SHA1 -> script (Redis compares them case-insensitively). */
  private scripts = new Map<string, CachedScript>();
  /** Redis's lua_scripts_mem for the same scripts: each SHA1 sds and body string. */
  private cacheBytes = 0;
  /** The lua_scripts dict's table size. */
  private tableSize = 0;

  constructor(private vm: LuaVM, private runner: ScriptRunner) {
    this.sandbox = new LuaSandbox(vm, 'eval', runner.natives);
  }

  get count(): number { return this.scripts.size; }

  /**
   * used_memory_scripts_eval as Redis 7.0 computes it (evalScriptsMemory):
   * the SHA1 sds and body of each script, a dictEntry and a luaScript per
   * script, the dict's table.
   */
  get memory(): number {
    return this.cacheBytes + this.scripts.size * (DICT_ENTRY + 16) + this.tableSize * DICT_SLOT;
  }

  has(sha: string): boolean { return this.scripts.has(sha.toLowerCase()); }

  /** luaCreateFunction: the cached script for a body, compiling it on first sight. */
  create(body: Buffer, r: Reply): { sha: string; script: CachedScript } | null {
    const sha = sha1Hex(body);
    const known = this.scripts.get(sha);
    if (known) return { sha, script: known };
    const sb = shebangFlags(body);
    if ('error' in sb) {
      r.error(`ERR ${sb.error}`);
      return null;
    }
    // The shebang line is skipped but its newline kept, so line numbers match the source.
    const compiled = this.sandbox.compile(body.subarray(sb.skip), '@user_script');
    if ('error' in compiled) {
      r.error(`ERR Error compiling script (new function): ${syntax51(compiled.error)}`);
      return null;
    }
    const script = { body: Buffer.from(body), flags: sb.flags, ref: compiled.ref };
    this.tableSize = dictGrow(this.tableSize, this.scripts.size);
    this.scripts.set(sha, script);
    this.cacheBytes += sdsSize(40) + argStringSize(body.length);
    return { sha, script };
  }

  /** EVAL script numkeys [key ...] [arg ...] and its SHA/_RO forms. */
  eval(c: HostClient, args: Buffer[], r: Reply, bySha: boolean, ro: boolean, shown: () => void): PendingReply | void {
    // The flags the command gets from its script before running
    // (evalGetCommandFlags): the cached script's, else the body's shebang.
    let sha = bySha && args[1].length === 40 ? args[1].toString('latin1').toLowerCase() : '';
    let script = sha ? this.scripts.get(sha) : undefined;
    let flags = FLAG_EVAL_COMPAT;
    if (script) {
      flags = script.flags;
    } else if (!bySha) {
      const sb = shebangFlags(args[1]);
      if (!('error' in sb)) flags = sb.flags;
    }
    const oom = this.runner.oomState(c, flags, r);
    if (oom === null) return;
    shown();
    if (bySha && args[1].length !== 40) {
      r.error(E_NOSCRIPT);
      return;
    }
    const n = numKeys(args[2], args.length - 3, r);
    if (n < 0) return;
    if (!bySha) {
      const made = this.create(args[1], r);
      if (!made) return;
      ({ sha, script } = made);
    }
    if (!script) {
      r.error(E_NOSCRIPT);
      return;
    }
    const refusal = prepareError(script.flags, ro, oom);
    if (refusal) {
      r.error(refusal);
      return;
    }
    return this.runner.start({
      kind: 'eval', sandbox: this.sandbox, fnRef: script.ref, name: sha, caller: c, callerArgs: args,
      keys: args.slice(3, 3 + n), args: args.slice(3 + n),
      readOnly: runsReadOnly(script.flags, ro),
      allowOom: !(script.flags & FLAG_EVAL_COMPAT) && (script.flags & FLAG_ALLOW_OOM) !== 0,
      oom, reply: r,
    });
  }

  /** SCRIPT FLUSH: a new Lua state, an empty cache (scriptingReset). */
  flush(): void {
    const old = this.sandbox;
    this.sandbox = new LuaSandbox(this.vm, 'eval', this.runner.natives);
    old.close();
    this.scripts.clear();
    this.cacheBytes = 0;
    this.tableSize = 0;
  }
}
