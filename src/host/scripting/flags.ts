// Script flags (script.c scripts_flags_def) and the checks Redis makes
// with them before a script runs (scriptPrepareForRun).
import { splitArgs } from '../config-parse.js';

export const FLAG_NO_WRITES = 1;
export const FLAG_ALLOW_OOM = 2;
export const FLAG_ALLOW_STALE = 4;
export const FLAG_NO_CLUSTER = 8;
export const FLAG_ALLOW_CROSS_SLOT = 16;
/** An EVAL script without a shebang: the pre-7.0 rules apply. */
export const FLAG_EVAL_COMPAT = 32;

/** In Redis's order (FUNCTION LIST lists a function's flags in it). */
export const SCRIPT_FLAGS: [string, number][] = [
  ['no-writes', FLAG_NO_WRITES],
  ['allow-oom', FLAG_ALLOW_OOM],
  ['allow-stale', FLAG_ALLOW_STALE],
  ['no-cluster', FLAG_NO_CLUSTER],
  ['allow-cross-slot-keys', FLAG_ALLOW_CROSS_SLOT],
];

/**
 * evalExtractShebangFlags: the flags of "#!lua flags=a,b" and the length of
 * that first line (the script compiles from its newline on, keeping line
 * numbers), or the error text.
 */
export function shebangFlags(body: Buffer): { flags: number; skip: number } | { error: string } {
  if (body[0] !== 0x23 || body[1] !== 0x21) return { flags: FLAG_EVAL_COMPAT, skip: 0 };
  const nl = body.indexOf(10);
  if (nl < 0) return { error: 'Invalid script shebang' };
  const parts = splitArgs(body.subarray(0, nl).toString('utf8'));
  if (!parts || parts.length === 0) return { error: 'Invalid engine in script shebang' };
  if (parts[0] !== '#!lua') return { error: `Unexpected engine in script shebang: ${parts[0]}` };
  let flags = 0;
  for (const part of parts.slice(1)) {
    if (!part.startsWith('flags=')) return { error: `Unknown lua shebang option: ${part}` };
    const list = part.slice(6);
    if (list === '') continue;
    for (const name of list.split(',')) {
      const f = SCRIPT_FLAGS.find(([n]) => n === name);
      if (!f) return { error: `Unexpected flag in script shebang: ${name}` };
      flags |= f[1];
    }
  }
  return { flags, skip: nl };
}

/**
 * scriptPrepareForRun's refusals for this server (no replication, cluster
 * or persistence errors yet): a script that may write run through a *_RO
 * command. Returns the error text, or null.
 */
export function prepareError(flags: number, ro: boolean, oom: boolean): string | null {
  if (flags & FLAG_EVAL_COMPAT) return null;
  if (!(flags & FLAG_NO_WRITES)) {
    // Redis also refuses here on a read-only replica, a disk error
    // (MISCONF) and too few good replicas; none of them exists yet.
    if (ro) return 'ERR Can not execute a script with write flag using *_ro command.';
  }
  // Reached over maxmemory only inside an EXEC: elsewhere deniesOom refused
  // the command before it ran.
  if (oom && deniesOom(flags)) return E_OOM_SCRIPT;
  return null;
}

/**
 * The script makes its command DENYOOM (scriptFlagsToCmdFlags): declared
 * flags without allow-oom or no-writes. Over maxmemory such an EVAL/FCALL
 * is refused before running, as any DENYOOM command.
 */
export function deniesOom(flags: number): boolean {
  return !(flags & FLAG_EVAL_COMPAT) && !(flags & (FLAG_ALLOW_OOM | FLAG_NO_WRITES));
}

/** Redis's shared.oomerr. */
export const E_OOM = "OOM command not allowed when used memory > 'maxmemory'.";
export const E_OOM_SCRIPT = "OOM allow-oom flag is not set on the script, can not run it when used memory > 'maxmemory'";

/** Whether the script runs read-only: *_RO, or declared no-writes. */
export function runsReadOnly(flags: number, ro: boolean): boolean {
  return ro || (!(flags & FLAG_EVAL_COMPAT) && (flags & FLAG_NO_WRITES) !== 0);
}

// Replies about the running script (SCRIPT/FUNCTION KILL, other clients while it is busy).
export const E_UNKILLABLE = 'UNKILLABLE Sorry the script already executed write commands against the dataset. ' +
  'You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.';
export const E_NOTBUSY = 'NOTBUSY No scripts in execution right now.';
export const E_BUSY_EVAL = 'BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.';
export const E_BUSY_FUNCTION = 'BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.';
