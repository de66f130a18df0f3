// Registers every host command family once.
import { register as connection } from './cmd-connection.js';
import { register as client } from './cmd-client.js';
import { register as server } from './cmd-server.js';
import { register as config } from './cmd-config.js';
import { register as info } from './cmd-info.js';
import { register as command } from './cmd-command.js';
import { register as slowlog } from './cmd-slowlog.js';
import { register as latency } from './cmd-latency.js';
import { register as pubsub } from './cmd-pubsub.js';
import { register as memory } from './cmd-memory.js';
import { register as scripting } from './cmd-scripting.js';
import { register as persist } from './cmd-persist.js';

let done = false;
export function registerHostCommands(): void {
  if (done) return;
  done = true;
  connection();
  client();
  server();
  config();
  info();
  command();
  slowlog();
  latency();
  pubsub();
  memory();
  scripting();
  persist();
}
