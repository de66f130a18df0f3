// A tiny static file server for the playground (npm run playground) and the
// browser tests: URL prefixes map to directories; nothing else is served.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { join, normalize, extname } from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.wasm': 'application/wasm', '.map': 'application/json',
  '.png': 'image/png', '.svg': 'image/svg+xml',
};

/**
 * Serves `mounts` ({ '/': dir, '/dist/browser/': dir2 }); the longest matching
 * prefix wins, '/' or a directory path serves its index.html. Resolves with
 * the server and its URL once listening on 127.0.0.1.
 */
export async function serveStatic(mounts, port = 0) {
  const prefixes = Object.keys(mounts).sort((a, b) => b.length - a.length);
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    let path = decodeURIComponent(url.pathname);
    if (path.endsWith('/')) path += 'index.html';
    const prefix = prefixes.find((p) => path.startsWith(p));
    const rel = prefix === undefined ? null : normalize(path.slice(prefix.length));
    if (rel === null || rel.startsWith('..')) {
      res.writeHead(404).end('not found');
      return;
    }
    try {
      const body = await readFile(join(mounts[prefix], rel));
      res.writeHead(200, { 'content-type': TYPES[extname(rel)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
      res.end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${server.address().port}/` };
}
