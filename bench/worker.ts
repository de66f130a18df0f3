// A load-generator thread: runs one LoadDriver (its slice of the connections)
// for runner.ts. Messages: it posts 'ready' once connected; the runner
// answers with the phase times (and may say stop early); it posts the
// result, or an error.
import { parentPort, workerData } from 'node:worker_threads';
import { LoadDriver, LoadOptions } from './loadgen.js';

interface Init { opts: LoadOptions; progress: SharedArrayBuffer; slot: number }

const { opts, progress, slot } = workerData as Init;
const port = parentPort!;
const driver = new LoadDriver(opts, new Float64Array(progress), slot);

driver.connect().then(() => {
  port.on('message', (m: { measureAt?: number; endAt?: number; stop?: boolean }) => {
    if (m.stop) driver.stop();
    else driver.run(m.measureAt!, m.endAt!).then((result) => port.postMessage({ result }));
  });
  port.postMessage({ ready: true, sends: driver.sends });
}).catch((e: Error) => port.postMessage({ error: e.message }));
