// Types of static-server.mjs for the TypeScript that imports it (the browser tests).
import type { Server } from 'node:http';

/** Serves URL prefixes from directories on 127.0.0.1; resolves once listening. */
export function serveStatic(mounts: Record<string, string>, port?: number): Promise<{ server: Server; url: string }>;
