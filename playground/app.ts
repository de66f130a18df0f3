// The playground's REPL: redis-cli in a page, on the embedded engine.
// History (arrow keys, kept in localStorage), hints from the command table
// as redis-cli shows them, Tab completion of command names, a RESP3 toggle
// (HELLO 3 / HELLO 2), replies formatted as redis-cli formats them.
import { Vermilion, formatReply, splitCommandLine, SYNTAX, METHOD_NAMES } from 'vermilion';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const output = $('output');
const input = $<HTMLInputElement>('cmd');
const typed = $('typed');
const rest = $('rest');
const prompt = $('prompt');
const resp3 = $<HTMLInputElement>('resp3');
const status = $('status');

const HISTORY_KEY = 'vermilion.playground.history';
const history: string[] = JSON.parse(localStorage.getItem(HISTORY_KEY) ?? '[]');
let histPos = history.length;
let draft = '';
let dbIndex = 0;

function append(cls: string, text: string): HTMLElement {
  const el = document.createElement('div');
  el.className = `entry ${cls}`;
  el.textContent = text;
  output.appendChild(el);
  output.parentElement!.scrollTop = output.parentElement!.scrollHeight;
  return el;
}

function promptText(): string {
  return dbIndex === 0 ? 'vermilion>' : `vermilion[${dbIndex}]>`;
}

/** The hint for what is typed: the syntax words not yet covered by arguments (redis-cli style). */
function hintFor(line: string): string {
  const words = splitCommandLine(line);
  if (!words || words.length === 0) return '';
  const name = words[0].toLowerCase();
  let syntax = SYNTAX[name];
  let given = words.length - 1;
  if (words.length >= 2 && SYNTAX[`${name} ${words[1].toLowerCase()}`] !== undefined) {
    syntax = SYNTAX[`${name} ${words[1].toLowerCase()}`];
    given--;
  }
  if (syntax === undefined || syntax === '') return '';
  if (!/\s$/.test(line) && given > 0) return '';
  if (!/\s$/.test(line)) return ` ${syntax}`;
  // Drop one hint word per argument typed, keeping bracketed groups whole.
  const parts = syntax.match(/\[[^\]]*(?:\[[^\]]*\][^\]]*)*\]|\S+/g) ?? [];
  return parts.slice(given).join(' ');
}

function updateHint(): void {
  typed.textContent = input.value;
  rest.textContent = hintFor(input.value);
}

function complete(): void {
  const v = input.value;
  if (/\s/.test(v)) return;
  const matches = METHOD_NAMES.filter((n) => n.startsWith(v.toLowerCase()));
  if (matches.length === 1) input.value = matches[0].toUpperCase() + ' ';
  else if (matches.length > 1) append('note', matches.map((m) => m.toUpperCase()).join('  '));
  updateHint();
}

function classOf(raw: Uint8Array): string {
  switch (raw[0]) {
    case 0x2d: case 0x21: return 'error';
    case 0x3a: return 'integer';
    case 0x2b: return 'status';
    default: return '';
  }
}

let db: Vermilion;

function run(line: string): void {
  append('cmdline', '').innerHTML = `${promptText()} <b></b>`;
  (output.lastElementChild!.querySelector('b') as HTMLElement).textContent = line;
  const words = splitCommandLine(line);
  if (words === null) { append('reply error', 'Invalid argument(s)'); return; }
  if (words.length === 0) return;
  const name = words[0].toLowerCase();
  if (name === 'clear') { output.textContent = ''; return; }
  if (name === 'help') {
    const key = words.slice(1).join(' ').toLowerCase();
    const syntax = SYNTAX[key];
    append('reply', syntax === undefined ? `no help for '${key}' (try: help SET)` : `\n  ${key.toUpperCase()} ${syntax}\n`);
    return;
  }
  let raw: Uint8Array;
  try {
    raw = db.callRawSync(...words);
  } catch (err: any) {
    append('reply error', `(error) ${err?.message ?? err}`);
    return;
  }
  if (raw.length === 0) return;
  append(`reply ${classOf(raw)}`, formatReply(raw));
  if (name === 'select' && raw[0] === 0x2b) dbIndex = Number(words[1]);
  if (name === 'hello' && raw[0] !== 0x2d) resp3.checked = words[1] === '3' || (words[1] === undefined && resp3.checked);
  prompt.textContent = promptText();
}

input.addEventListener('keydown', (e) => {
  if (e.key === 'Enter') {
    e.preventDefault();
    const line = input.value;
    if (line.trim() !== '') {
      if (history[history.length - 1] !== line) history.push(line);
      while (history.length > 200) history.shift();
      localStorage.setItem(HISTORY_KEY, JSON.stringify(history));
    }
    histPos = history.length;
    input.value = '';
    updateHint();
    run(line);
  } else if (e.key === 'ArrowUp') {
    e.preventDefault();
    if (histPos === history.length) draft = input.value;
    if (histPos > 0) input.value = history[--histPos];
    updateHint();
  } else if (e.key === 'ArrowDown') {
    e.preventDefault();
    if (histPos < history.length) input.value = ++histPos === history.length ? draft : history[histPos];
    updateHint();
  } else if (e.key === 'Tab') {
    e.preventDefault();
    complete();
  }
});
input.addEventListener('input', updateHint);
resp3.addEventListener('change', () => run(resp3.checked ? 'HELLO 3' : 'HELLO 2'));
document.addEventListener('click', (e) => { if (!(e.target instanceof HTMLInputElement)) input.focus(); });

db = await Vermilion.open();
const info = db.callSync('INFO', 'server') as string;
const version = info.match(/redis_version:(\S+)/)?.[1];
status.textContent = `engine ready · Redis ${version} semantics · ${METHOD_NAMES.length} commands in the table`;
append('note', 'Type Redis commands. Try: SET greeting "hello world" EX 60, then GET greeting, TTL greeting, INCR visits.');
document.body.dataset.ready = 'true';
input.focus();
