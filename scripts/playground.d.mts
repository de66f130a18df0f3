// Types of playground.mjs for the TypeScript that imports it (the playground test).
import type { Server } from 'node:http';

/** Builds the bundle and the page, then serves them; resolves with the server and its URL. */
export function startPlayground(options?: { port?: number }): Promise<{ server: Server; url: string }>;
