// CONFIG GET / SET / RESETSTAT / REWRITE / HELP: the host side of
// configuration. Values, validation and the rewrite algorithm live in
// config.ts; this room turns them into replies.
import { requireFs, pid } from './platform.js';
import { registerHost, HostServer, HostClient } from './context.js';
import { Reply } from './reply.js';
import { strerror } from './config.js';
import {
  CMD_CONFIG_GET, CMD_CONFIG_SET, CMD_CONFIG_RESETSTAT, CMD_CONFIG_REWRITE, CMD_CONFIG_HELP,
} from '../engine/commands.gen.js';

const E_SYNTAX = 'ERR syntax error';
const E_NO_CONFIG_FILE = 'ERR The server is running without a config file';

const HELP = [
  'CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'GET <pattern>',
  '    Return parameters matching the glob-like <pattern> and their values.',
  'SET <directive> <value>',
  '    Set the configuration <directive> to <value>.',
  'RESETSTAT',
  '    Reset statistics reported by the INFO command.',
  'REWRITE',
  '    Rewrite the configuration file.',
  'HELP',
  '    Prints this help.',
];

// CONFIG GET parameter [parameter ...]
// Map reply (flat array in RESP2) of every parameter matching any of the
// glob patterns, each once.
function cmdConfigGet(srv: HostServer, _c: HostClient, args: Buffer[], r: Reply): void {
  const pairs = srv.config.match(args.slice(2).map((a) => a.toString()));
  r.map(pairs.length);
  for (const [k, v] of pairs) r.bulk(k).bulk(v);
}

// CONFIG SET parameter value [parameter value ...]
// All pairs are validated and applied together, or none is.
function cmdConfigSet(srv: HostServer, c: HostClient, args: Buffer[], r: Reply): void {
  if (args.length % 2 !== 0) { r.error(E_SYNTAX); return; }
  const pairs: [string, string][] = [];
  for (let i = 2; i < args.length; i += 2) pairs.push([args[i].toString(), args[i + 1].toString()]);
  const err = srv.config.setMany(pairs, { local: isLocalClient(c) });
  if (err) r.error(err);
  else r.ok();
}

/** Loopback or unix socket: what enable-protected-configs "local" allows. */
function isLocalClient(c: HostClient): boolean {
  if (c.unixSocket) return true;
  const host = c.addr.slice(0, c.addr.lastIndexOf(':'));
  return host === '' || host.startsWith('127.') || host === '::1' || host === '[::1]';
}

// CONFIG RESETSTAT
// Zeroes the counters INFO reports: the engine's and the host's.
function cmdConfigResetstat(srv: HostServer, _c: HostClient, _args: Buffer[], r: Reply): void {
  srv.engine.x.resetAllStats();
  const s = srv.stats;
  s.totalConnections = 0;
  s.rejectedConnections = 0;
  s.netInputBytes = 0;
  s.netOutputBytes = 0;
  s.commandUsec.fill(0);
  s.commandHostCalls.fill(0);
  s.commandHostFailed.fill(0);
  s.commandHostRejected.fill(0);
  s.hostErrors.clear();
  r.ok();
}

// CONFIG REWRITE
// Rewrites the file the server started with, keeping its comments and
// layout; the new content replaces the old one atomically (temp + rename).
function cmdConfigRewrite(srv: HostServer, _c: HostClient, _args: Buffer[], r: Reply): void {
  const path = srv.configFile;
  if (!path) { r.error(E_NO_CONFIG_FILE); return; }
  try {
    rewriteConfigFile(srv, path);
    srv.log('warning', 'CONFIG REWRITE executed with success.');
    r.ok();
  } catch (err: any) {
    const reason = strerror(err);
    srv.log('warning', `CONFIG REWRITE failed: ${reason}`);
    r.error(`ERR Rewriting config file: ${reason}`);
  }
}

export function rewriteConfigFile(srv: HostServer, path: string): void {
  const { readFileSync, writeFileSync, renameSync, unlinkSync } = requireFs();
  let old = '';
  try {
    old = readFileSync(path, 'utf8');
  } catch (err: any) {
    if (err?.code !== 'ENOENT') throw err;
  }
  const content = srv.config.rewrite(old);
  const tmp = `${path}.${pid()}.tmp`;
  try {
    writeFileSync(tmp, content, { mode: 0o644 });
    renameSync(tmp, path);
  } catch (err) {
    try { unlinkSync(tmp); } catch { /* never created */ }
    throw err;
  }
}


// CONFIG HELP
function cmdConfigHelp(_srv: HostServer, _c: HostClient, _args: Buffer[], r: Reply): void {
  r.array(HELP.length);
  for (const line of HELP) r.simple(line);
}

export function register(): void {
  registerHost(CMD_CONFIG_GET, cmdConfigGet);
  registerHost(CMD_CONFIG_SET, cmdConfigSet);
  registerHost(CMD_CONFIG_RESETSTAT, cmdConfigResetstat);
  registerHost(CMD_CONFIG_REWRITE, cmdConfigRewrite);
  registerHost(CMD_CONFIG_HELP, cmdConfigHelp);
}
