// Log lines in Redis's format: "pid:M 26 Nov 2026 13:45:15.123 * message",
// with Redis's level marks (. debug, - verbose, * notice, # warning).
import { pid } from './platform.js';

export const LEVELS = ['debug', 'verbose', 'notice', 'warning'] as const;
export type LogLevel = (typeof LEVELS)[number];
const MARKS = ['.', '-', '*', '#'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** Whether a message at `level` passes the configured `loglevel`. */
export function logEnabled(level: string, configured: string): boolean {
  return LEVELS.indexOf(level as LogLevel) >= LEVELS.indexOf(configured as LogLevel);
}

export function formatLogLine(level: string, msg: string, now = new Date()): string {
  const d = now;
  const stamp = `${d.getDate()} ${MONTHS[d.getMonth()]} ${d.getFullYear()} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
  return `${pid()}:M ${stamp} ${MARKS[LEVELS.indexOf(level as LogLevel)] ?? '*'} ${msg}\n`;
}
