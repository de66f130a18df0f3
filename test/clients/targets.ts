// Where the real-client suites connect. By default a Vermilion server started
// in-process; VERMILION_CLIENTS_AGAINST=redis points the same suites at a
// real redis-server instead, which is how their expected values were checked.
import { startServer, startRedis } from '../helpers/server.js';
import { hostHas, ONLY_IMPLEMENTED } from '../helpers/implemented.js';

export interface Target {
  port: number;
  stop: () => Promise<void>;
  /** True when the target runs the host command (always, unless restricted mode found it missing). */
  has: (argv: string[]) => Promise<boolean>;
}

export const AGAINST_REDIS = process.env.VERMILION_CLIENTS_AGAINST === 'redis';

export async function startTarget(opts: { requirepass?: string } = {}): Promise<Target> {
  if (AGAINST_REDIS) {
    const r = await startRedis(opts.requirepass ? ['--requirepass', opts.requirepass] : []);
    return { port: r.port, stop: async () => r.stop(), has: async () => true };
  }
  const { server, port } = await startServer(opts.requirepass ? { requirepass: opts.requirepass } : {});
  const authedHas = async (argv: string[]) => {
    if (!ONLY_IMPLEMENTED) return true;
    if (opts.requirepass) return true; // probing needs AUTH; restricted runs use the plain target for that
    return hostHas(port, argv);
  };
  return { port, stop: () => server.close(), has: authedHas };
}
