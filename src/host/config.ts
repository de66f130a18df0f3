// Server configuration: redis.conf parsing, command-line options, CONFIG
// GET/SET/REWRITE storage. (Schema being completed in config-schema.ts.)

export class ConfigError extends Error {
  constructor(message: string, public code = 'ECONFIG') { super(message); }
}

type Listener = (name: string, value: string) => void;

export class Config {
  private values = new Map<string, string>();
  private listeners: Listener[] = [];

  constructor(defaults: Record<string, string> = {}) {
    const base: Record<string, string> = {
      port: '6379', bind: '* -::*', dir: './data', databases: '16', requirepass: '',
      'proto-max-bulk-len': '536870912', hz: '10', 'maxmemory-policy': 'noeviction',
      'lfu-log-factor': '10', 'lfu-decay-time': '1', 'slowlog-log-slower-than': '10000',
      'slowlog-max-len': '128', 'latency-monitor-threshold': '0', maxclients: '10000',
      timeout: '0', 'tcp-keepalive': '300', 'protected-mode': 'yes', loglevel: 'notice', logfile: '',
      'enable-debug-command': 'no', 'activerehashing': 'yes',
    };
    for (const [k, v] of Object.entries({ ...base, ...defaults })) this.values.set(k, v);
  }

  get(name: string): string {
    const v = this.values.get(name.toLowerCase());
    if (v === undefined) throw new ConfigError(`Unknown option or number of arguments for CONFIG SET - '${name}'`);
    return v;
  }
  getInt(name: string): number { return Number(this.get(name)); }
  getBool(name: string): boolean { return this.get(name) === 'yes'; }
  set(name: string, value: string): void {
    this.values.set(name.toLowerCase(), value);
    for (const l of this.listeners) l(name.toLowerCase(), value);
  }
  onChange(l: Listener): void { this.listeners.push(l); }
  names(): string[] { return [...this.values.keys()]; }
}
