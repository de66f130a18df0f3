#!/usr/bin/env node
import { main } from '../dist/bench/cli.js';

main(process.argv.slice(2)).then((code) => process.exit(code), (err) => {
  process.stderr.write(`vermilion-benchmark: ${err?.message ?? err}\n`);
  process.exit(1);
});
