#!/usr/bin/env node
// Adds commands to the project's command table (table/commands.json), taking
// their facts (arity, flags, key specs, argument grammar) from the Redis 7.0
// reference, and marks which half runs them.
//
//   node scripts/import-commands.mjs engine|host NAME [NAME|"NAME SUB" ...]
//
// A container's subcommands are imported one by one ("CONFIG GET"); the
// container itself is created on first use, with the handler given then; a
// subcommand imported later with the other handler records its own. Edit the table by hand after
// that (summaries, complexity, our own notes): the generator reads only it.
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const refPath = join(root, '..', 'shared', 'reference', 'redis-7.0-commands.json');
const tablePath = join(root, 'table', 'commands.json');

const [handler, ...names] = process.argv.slice(2);
if (!['engine', 'host'].includes(handler) || names.length === 0) {
  console.error('usage: import-commands.mjs engine|host NAME ...');
  process.exit(1);
}
const ref = JSON.parse(readFileSync(refPath, 'utf8'));
const table = existsSync(tablePath) ? JSON.parse(readFileSync(tablePath, 'utf8')) : {};

function facts(name) {
  const f = ref[name];
  if (!f) throw new Error(`not in the Redis 7.0 reference: ${name}`);
  const out = { ...f };
  return out;
}

for (const raw of names) {
  const name = raw.toUpperCase();
  const [top, sub] = name.split(' ');
  if (!table[top]) table[top] = { ...facts(top), handler };
  if (sub) {
    table[top].subcommands ??= {};
    // A subcommand imported for the other half than its container's keeps
    // its own handler (gen-commands.mjs reads it).
    table[top].subcommands[sub] = { ...facts(name), ...(handler !== table[top].handler ? { handler } : {}) };
  } else {
    table[top] = { ...facts(top), handler, ...(table[top].subcommands ? { subcommands: table[top].subcommands } : {}) };
  }
}
const sorted = Object.fromEntries(Object.keys(table).sort().map((k) => {
  const v = table[k];
  if (v.subcommands) v.subcommands = Object.fromEntries(Object.keys(v.subcommands).sort().map((s) => [s, v.subcommands[s]]));
  return [k, v];
}));
writeFileSync(tablePath, JSON.stringify(sorted, null, 1) + '\n');
console.log(`table/commands.json: ${Object.keys(sorted).length} commands`);
