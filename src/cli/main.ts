// vermilion-server [path/to/redis.conf] [--name value ...] [-]
//
// Starts like redis-server: the config file is read first, then stdin when
// `-` is given, then the command-line options, all as one redis.conf text
// (so an error names the line the way Redis numbers it). A bad option
// prints Redis's FATAL CONFIG FILE ERROR block and exits with code 1.
import { mkdirSync, readFileSync, writeFileSync, appendFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Config, ConfigError, ConfigLoadError, strerror } from '../host/config.js';
import { repr, splitArgs } from '../host/config-parse.js';
import { REDIS_VERSION } from '../host/cmd-connection.js';
import { Server, UnixSocketError, bindError } from '../server/server.js';
import { formatLogLine, logEnabled } from '../host/log.js';

const VERSION = '0.1.0';

const USAGE = `Usage: vermilion-server [/path/to/redis.conf] [options] [-]
       vermilion-server - (read config from stdin)
       vermilion-server -v or --version
       vermilion-server -h or --help

Options are redis.conf directives written as --name value, applied after
the config file, for example:
       vermilion-server --port 7777
       vermilion-server --port 7777 --save "" --appendonly no
       vermilion-server /etc/vermilion.conf --loglevel verbose
       echo 'maxmemory 128mb' | vermilion-server -

Defaults are Redis ${REDIS_VERSION}'s, except dir (./data, created at startup).
`;

export interface StartupArgs {
  /** Absolute path of the config file, '' when none. */
  configFile: string;
  fromStdin: boolean;
  /** The command-line options as redis.conf lines. */
  options: string;
}

/**
 * Splits argv the way redis-server does: the first argument is the config
 * file unless it starts with '-'; `--name` starts a directive and the
 * words after it are its values (quoted so spaces survive); `-` as the
 * first or last argument reads stdin.
 */
export function parseArgv(argv: string[]): StartupArgs {
  let j = 0;
  let configFile = '';
  if (argv.length > 0 && !argv[0].startsWith('-')) {
    configFile = resolve(argv[0]);
    j = 1;
  }
  let options = '';
  let fromStdin = false;
  // Whether the last --name already has a value; until it does, a word
  // starting with "--" is taken as its value, as Redis 7.0 does.
  let handledLast = true;
  for (; j < argv.length; j++) {
    const a = argv[j];
    if (a === '-' && (j === 0 || j === argv.length - 1)) {
      fromStdin = true;
    } else if (handledLast && a.startsWith('--')) {
      if (options.length) options += '\n';
      options += `${a.slice(2)} `;
      const words = splitArgs(a) ?? [];
      if (words.length === 1) {
        handledLast = false;
        const next = argv[j + 1];
        const isSave = a.toLowerCase() === '--save';
        // `--save` with no value (last, or followed by another --option)
        // means `save ""`, kept for scripts that build argv from a list.
        if (isSave && (next === undefined || next.startsWith('--'))) {
          options += '""';
          handledLast = next !== undefined;
        }
      } else {
        handledLast = true;
      }
    } else {
      options += `${repr(a)} `;
      handledLast = true;
    }
  }
  return { configFile, fromStdin, options };
}

/** Loads file + stdin + options into `config` (throws ConfigLoadError). */
export function loadStartupConfig(config: Config, args: StartupArgs, readStdin: () => string = () => readFileSync(0, 'utf8')): void {
  let text = '';
  if (args.configFile) {
    try {
      text = readFileSync(args.configFile, 'utf8');
    } catch (err: any) {
      const why = strerror(err);
      throw new ConfigLoadError(`Fatal error, can't open config file '${args.configFile}': ${why}`, null, null);
    }
  }
  if (args.fromStdin) text += readStdin();
  text += `\n${args.options}`;
  config.loadString(text);
}

export async function main(argv: string[]): Promise<void> {
  if (argv[0] === '-v' || argv[0] === '--version') {
    process.stdout.write(`Vermilion server v=${VERSION} redis_version=${REDIS_VERSION} engine=wasm node=${process.version}\n`);
    return;
  }
  if (argv[0] === '-h' || argv[0] === '--help') {
    process.stdout.write(USAGE);
    return;
  }
  const config = new Config();
  const args = parseArgv(argv);
  try {
    loadStartupConfig(config, args);
  } catch (err) {
    if (err instanceof ConfigLoadError) {
      process.stderr.write(err.report(REDIS_VERSION));
      process.exit(1);
    }
    if (err instanceof ConfigError) {
      process.stderr.write(`\n*** FATAL CONFIG FILE ERROR (Redis ${REDIS_VERSION}) ***\n${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }

  const dir = config.get('dir');
  mkdirSync(dir, { recursive: true });
  process.chdir(dir);
  // CONFIG SET dir moves the process, as Redis's chdir does.
  config.onChange((name, value) => { if (name === 'dir') process.chdir(value); });

  const logfile = config.get('logfile');
  const log = (level: string, msg: string) => {
    if (!logEnabled(level, config.get('loglevel'))) return;
    const line = formatLogLine(level, msg);
    if (logfile) appendFileSync(logfile, line);
    else process.stdout.write(line);
  };
  if (logfile) {
    // Like Redis, refuse to start when the log file cannot be opened.
    try {
      appendFileSync(logfile, '');
    } catch (err: any) {
      const why = strerror(err);
      process.stderr.write(new ConfigLoadError(`Can't open the log file: ${why}`, null, null).report(REDIS_VERSION));
      process.exit(1);
    }
  }

  const server = new Server({ config, configFile: args.configFile, log });
  if (args.fromStdin) log('warning', 'Reading config from stdin');
  // Loading from this moment: connections accepted meanwhile get -LOADING.
  // With appendonly yes the AOF is loaded instead of the RDB file.
  if (config.getBool('appendonly')) server.aof.prepareStartupLoad();
  else server.rdb.prepareStartupLoad();
  let port: number;
  try {
    port = await server.listen();
  } catch (err: any) {
    if (err instanceof UnixSocketError) {
      log('warning', `Failed opening Unix socket: ${err.message}`);
      process.exit(1);
    }
    // Redis's two lines for a TCP port it cannot bind, then exit 1; any
    // other failure keeps its own error.
    if (err?.syscall !== 'listen' || typeof err?.port !== 'number') throw err;
    const wanted = config.getInt('port');
    const host = err?.address === '0.0.0.0' || err?.address === '::' ? '*' : err?.address ?? '*';
    log('warning', `Warning: Could not create server TCP listening socket ${host}:${err?.port ?? wanted}: bind: ${bindError(err)}`);
    log('warning', `Failed listening on port ${wanted} (TCP), aborting.`);
    process.exit(1);
  }
  // `port 0` and no unixsocket (or only optional binds that failed).
  if (!server.listensAnywhere) {
    log('warning', 'Configured to not listen anywhere, exiting.');
    process.exit(1);
  }
  const pidfile = config.get('pidfile');
  if (pidfile) writeFileSync(pidfile, `${process.pid}\n`);
  // As Redis: connections are accepted while the RDB file loads; they get
  // -LOADING for what cannot run yet.
  // With appendonly yes the AOF is the dataset and the RDB file is not read, as in Redis.
  if (config.getBool('appendonly')) {
    try {
      await server.aof.start();
    } catch (err: any) {
      log('warning', err?.message ?? String(err));
      process.exit(1);
    }
  } else {
    try {
      const loaded = await server.rdb.loadFileIfExists();
      if (loaded) {
        log('notice', `Done loading RDB, keys loaded: ${loaded.keys}, keys expired: ${loaded.expired}.`);
        log('notice', `DB loaded from disk: ${(loaded.ms / 1000).toFixed(3)} seconds`);
      }
    } catch (err: any) {
      log('warning', `Fatal error loading the DB (${config.get('dbfilename')}): ${err?.message ?? err}. Exiting.`);
      process.exit(1);
    }
  }
  server.aofReady = true;
  server.onShutdown = () => process.exit(0);
  // Redis's signal handler writes its line at once (serverLogFromHandler's
  // format), and its cron shuts down a moment later, with the flags of
  // shutdown-on-sigterm / shutdown-on-sigint; if the save fails the server
  // stays up (and says so).
  const stop = (signal: 'SIGTERM' | 'SIGINT') => {
    const line = `${process.pid}:signal-handler (${Math.floor(Date.now() / 1000)}) Received ${signal} scheduling shutdown...\n`;
    if (logfile) appendFileSync(logfile, line);
    else process.stdout.write(line);
    const flags = config.get(signal === 'SIGTERM' ? 'shutdown-on-sigterm' : 'shutdown-on-sigint').split(' ');
    setImmediate(() => server.prepareForShutdown({ save: flags.includes('save'), nosave: flags.includes('nosave'), force: flags.includes('force') }));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  // Ready only once the signals are handled: a supervisor (or a test) that
  // stops the server as soon as it reads this line gets a clean shutdown.
  if (port !== 0) log('notice', `Vermilion ${VERSION} (Redis ${REDIS_VERSION} compatible) ready to accept connections on port ${port}`);
  const unixsocket = config.get('unixsocket');
  if (unixsocket !== '') log('notice', `The server is now ready to accept connections at ${unixsocket}`);
}
