// The reply of every "<CONTAINER> HELP": one status line per entry, framed
// the way Redis frames it (a usage line first, "HELP" last).
import type { Reply } from './reply.js';

export function replyHelp(r: Reply, container: string, lines: string[]): void {
  const all = [
    `${container} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:`,
    ...lines,
    'HELP',
    '    Prints this help.',
  ];
  r.array(all.length);
  for (const l of all) r.simple(l);
}
