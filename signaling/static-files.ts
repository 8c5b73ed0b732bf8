import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';

/**
 * Serves the built app. `/teach` is the instructor view, a page of its own (teach.html), so no
 * instructor code ever reaches a student's tab; every other path without an extension (`/`,
 * `/?room=x`) gets index.html, since the app routes on the client. A missing asset is a 404
 * rather than index.html, so a stale script tag fails loudly instead of parsing HTML as JavaScript.
 */

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
};

export const NOT_BUILT_MESSAGE = 'app not built: run npm run build';

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

export function createStaticHandler(staticDir: string): RequestHandler {
  const root = resolve(staticDir);
  return (req, res) => {
    serve(root, req, res).catch((error: unknown) => {
      if (!res.headersSent) text(res, 500, 'internal error');
      else res.destroy(error instanceof Error ? error : undefined);
    });
  };
}

async function serve(root: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    return text(res, 405, 'method not allowed');
  }
  const pathname = decodePath(req.url ?? '/');
  if (pathname === undefined) return text(res, 400, 'bad request path');
  if (pathname === '/signal') return text(res, 426, 'this is the signaling WebSocket endpoint; connect with a WebSocket');
  const file = resolve(join(root, pathname));
  if (file !== root && !file.startsWith(root + sep)) return text(res, 400, 'bad request path');
  if (extname(pathname) !== '') {
    const size = await fileSize(file);
    return size === undefined ? text(res, 404, 'not found') : sendFile(req, res, file, size);
  }
  const page = join(root, pathname === '/teach' || pathname === '/teach/' ? 'teach.html' : 'index.html');
  const size = await fileSize(page);
  return size === undefined ? text(res, 503, NOT_BUILT_MESSAGE) : sendFile(req, res, page, size);
}

/** The decoded path, or undefined if it is malformed or smuggles a NUL or backslash. */
function decodePath(url: string): string | undefined {
  const raw = url.split('?', 1)[0] ?? '/';
  let pathname: string;
  try {
    pathname = decodeURIComponent(raw);
  } catch {
    return undefined;
  }
  if (!pathname.startsWith('/') || pathname.includes('\0') || pathname.includes('\\')) return undefined;
  return pathname;
}

/** Size of a regular file, or undefined if there is none at `path`. */
async function fileSize(path: string): Promise<number | undefined> {
  try {
    const info = await stat(path);
    return info.isFile() ? info.size : undefined;
  } catch {
    return undefined;
  }
}

function sendFile(req: IncomingMessage, res: ServerResponse, file: string, size: number): void {
  const type = CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
  res.statusCode = 200;
  res.setHeader('Content-Type', type);
  res.setHeader('Content-Length', size);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  // The html names content-hashed assets, so only it must be revalidated on every load.
  res.setHeader('Cache-Control', type.startsWith('text/html') ? 'no-cache' : 'public, max-age=3600');
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  const stream = createReadStream(file);
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}

function text(res: ServerResponse, status: number, body: string): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.end(`${body}\n`);
}
