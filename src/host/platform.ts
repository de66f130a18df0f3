// The Node built-ins the host uses, reached through
// `process.getBuiltinModule` (Node >= 20.16) instead of static imports, so
// that the engine wrapper, the host core and the host commands also load in
// a browser (the embedded build, src/embedded/browser.ts). There every
// module below is null and its callers fall back to what a page can do:
// no config file, no data directory, process figures reported as 0.
import type * as Fs from 'node:fs';
import type * as Os from 'node:os';
import type * as Path from 'node:path';
import type * as Stream from 'node:stream';
import type * as Net from 'node:net';

interface NodeProcess {
  pid: number;
  arch: string;
  argv: string[];
  execPath: string;
  cwd(): string;
  memoryUsage(): { rss: number };
  cpuUsage(): { user: number; system: number };
  getBuiltinModule?: (id: string) => unknown;
}

/**
 * The Buffer class, read once. Node's global `Buffer` is an accessor: every
 * `Buffer.x` on a hot path calls its getter (~10 ns) where a module binding
 * is a plain load. In the browser build it is the `buffer` package's.
 */
export const BufferClass: typeof Buffer = Buffer;

/** Node's `process`, or null outside Node. */
export const nodeProcess: NodeProcess | null =
  typeof (globalThis as any).process?.getBuiltinModule === 'function' ? (globalThis as any).process : null;

function builtin<T>(id: string): T | null {
  return (nodeProcess?.getBuiltinModule?.(id) as T | undefined) ?? null;
}

export const nodeFs: typeof Fs | null = builtin<typeof Fs>('node:fs');
export const nodeOs: typeof Os | null = builtin<typeof Os>('node:os');
export const nodePath: typeof Path | null = builtin<typeof Path>('node:path');
export const nodeStream: typeof Stream | null = builtin<typeof Stream>('node:stream');
export const nodeNet: typeof Net | null = builtin<typeof Net>('node:net');

/** The file system, or an error with Node's ENOTSUP code where there is none (a browser). */
export function requireFs(): typeof Fs {
  if (!nodeFs) throw Object.assign(new Error('Operation not supported'), { code: 'ENOTSUP' });
  return nodeFs;
}

const nodeCrypto = builtin<{ randomFillSync(b: Uint8Array): Uint8Array }>('node:crypto');

/**
 * `n` random bytes from the system's generator. In Node through
 * node:crypto, already loaded at startup: the global `crypto` is a lazy
 * getter that loads Web Crypto first, a millisecond or more of a store's
 * cold start. Elsewhere the page's Web Crypto.
 */
export function randomBytes(n: number): Uint8Array {
  const b = new Uint8Array(n);
  if (nodeCrypto) nodeCrypto.randomFillSync(b);
  else globalThis.crypto.getRandomValues(b);
  return b;
}

/** `n` random bytes as lowercase hex (run ids, replication ids). */
export function randomHex(n: number): string {
  const b = randomBytes(n);
  let s = '';
  for (const x of b) s += x.toString(16).padStart(2, '0');
  return s;
}

/** The process id Redis prints in logs and INFO (0 in a browser). */
export function pid(): number {
  return nodeProcess?.pid ?? 0;
}

/** The working directory relative paths resolve against ('/' in a browser). */
export function cwd(): string {
  return nodeProcess?.cwd() ?? '/';
}

/** path.resolve, or the path as given where there is no file system. */
export function resolvePath(...parts: string[]): string {
  return nodePath ? nodePath.resolve(...parts) : parts[parts.length - 1];
}
