// Every command family registers its handlers here, once, at init.
import { register as registerString } from "./string";
import { register as registerBitmap } from "./bitmap";
import { register as registerKeys } from "./keys";
import { register as registerServer } from "./server";
import { register as registerMulti } from "./multi";
import { register as registerSet } from "./set";
import { register as registerList } from "./list";
import { register as registerHash } from "./hash";
import { register as registerZset } from "./zset";
import { register as registerSort } from "./sort";
import { register as registerMemory } from "./memory";
import { register as registerDump } from "./dump";
import { register as registerHll } from "./hll";
import { register as registerGeo } from "./geo";
import { register as registerStream } from "./stream";
import { register as registerXgroup } from "./xgroup";

export function registerAll(): void {
  registerString();
  registerBitmap();
  registerKeys();
  registerServer();
  registerMulti();
  registerSet();
  registerList();
  registerHash();
  registerZset();
  registerSort();
  registerMemory();
  registerDump();
  registerHll();
  registerGeo();
  registerStream();
  registerXgroup();
}
