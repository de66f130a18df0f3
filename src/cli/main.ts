// vermilion-server [path/to/redis.conf] [--name value ...]
import { mkdirSync } from 'node:fs';
import { Config, ConfigError } from '../host/config.js';
import { Server } from '../server/server.js';

export async function main(argv: string[]): Promise<void> {
  const config = new Config();
  let configFile = '';
  try {
    let i = 0;
    if (argv[0] && !argv[0].startsWith('--')) configFile = argv[i++];
    for (; i < argv.length; i++) {
      const name = argv[i].replace(/^--/, '');
      const vals: string[] = [];
      while (i + 1 < argv.length && !argv[i + 1].startsWith('--')) vals.push(argv[++i]);
      config.set(name, vals.join(' '));
    }
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`\n*** FATAL CONFIG FILE ERROR ***\n${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const dir = config.get('dir');
  mkdirSync(dir, { recursive: true });
  process.chdir(dir);
  const server = new Server({ config, configFile });
  const port = await server.listen();
  server.log('notice', `Vermilion (Redis ${'7.0.15'} compatible) ready to accept connections on port ${port}`);
  server.onShutdown = () => process.exit(0);
  const stop = () => { server.shutdown(); };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
