import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { NOT_BUILT_MESSAGE } from './static-files.ts';
import { createHarness } from './test-support.ts';

const harness = createHarness();
afterEach(() => harness.closeAll());

let parent: string;
let appDir: string;
let emptyDir: string;

beforeAll(async () => {
  parent = await mkdtemp(join(tmpdir(), 'tabmesh-static-'));
  appDir = join(parent, 'dist');
  emptyDir = join(parent, 'empty');
  await mkdir(join(appDir, 'assets'), { recursive: true });
  await mkdir(emptyDir);
  await writeFile(join(appDir, 'index.html'), '<!doctype html><title>tabmesh</title>');
  await writeFile(join(appDir, 'teach.html'), '<!doctype html><title>tabmesh instructor</title>');
  await writeFile(join(appDir, 'assets', 'app-1234.js'), 'console.log("app")');
  await writeFile(join(appDir, 'assets', 'style.css'), 'body{}');
  await writeFile(join(parent, 'secret.txt'), 'outside the app directory');
});
afterAll(() => rm(parent, { recursive: true, force: true }));

interface Reply {
  readonly status: number;
  readonly type: string | undefined;
  readonly body: string;
}

/** A raw request, so paths reach the server exactly as written (fetch would normalise `..`). */
function get(url: string, path: string, method = 'GET'): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(url), { path, method }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('static files', () => {
  it('serves index.html at / and for extensionless paths, and assets with their content types', async () => {
    const { url } = await harness.start({ staticDir: appDir });
    for (const path of ['/', '/?room=x', '/teach/session/3?room=a', '/teacher']) {
      expect(await get(url, path), path).toEqual({ status: 200, type: 'text/html; charset=utf-8', body: '<!doctype html><title>tabmesh</title>' });
    }
    expect(await get(url, '/assets/app-1234.js')).toEqual({ status: 200, type: 'text/javascript; charset=utf-8', body: 'console.log("app")' });
    expect(await get(url, '/assets/style.css')).toMatchObject({ status: 200, type: 'text/css; charset=utf-8' });
    expect(await get(url, '/assets/style.css', 'HEAD')).toMatchObject({ status: 200, body: '' });
  });

  it('serves the instructor view, teach.html, at /teach only', async () => {
    const { url } = await harness.start({ staticDir: appDir });
    for (const path of ['/teach', '/teach?room=lab', '/teach/', '/teach.html']) {
      expect(await get(url, path), path).toEqual({ status: 200, type: 'text/html; charset=utf-8', body: '<!doctype html><title>tabmesh instructor</title>' });
    }
  });

  it('answers 404 for a missing asset rather than index.html', async () => {
    const { url } = await harness.start({ staticDir: appDir });
    expect(await get(url, '/assets/gone-5678.js')).toMatchObject({ status: 404, body: 'not found\n' });
  });

  it('refuses paths that leave the app directory', async () => {
    const { url } = await harness.start({ staticDir: appDir });
    for (const path of ['/../secret.txt', '/assets/../../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt', '/%2e%2e%5csecret.txt', '/a%00.js', '/%E0%A4%A']) {
      const reply = await get(url, path);
      expect(reply.status, path).toBe(400);
      expect(reply.body, path).not.toContain('outside');
    }
  });

  it('answers 405 to other methods and 426 to plain HTTP at /signal', async () => {
    const { url } = await harness.start({ staticDir: appDir });
    expect(await get(url, '/', 'POST')).toMatchObject({ status: 405 });
    expect(await get(url, '/signal')).toMatchObject({ status: 426 });
  });

  it('says the app is not built when there is no index.html', async () => {
    const { url } = await harness.start({ staticDir: emptyDir });
    for (const path of ['/', '/teach']) {
      expect(await get(url, path)).toEqual({ status: 503, type: 'text/plain; charset=utf-8', body: `${NOT_BUILT_MESSAGE}\n` });
    }
    expect(NOT_BUILT_MESSAGE).toBe('app not built: run npm run build');
  });

  it('accepts WebSocket upgrades only at /signal', async () => {
    const { wsUrl } = await harness.start({ staticDir: appDir });
    const status = await new Promise<number>((resolve, reject) => {
      const ws = new WebSocket(wsUrl.replace(/signal$/, 'elsewhere'));
      ws.on('unexpected-response', (_req, res) => {
        resolve(res.statusCode ?? 0);
        ws.terminate();
      });
      ws.on('open', () => reject(new Error('upgrade accepted at /elsewhere')));
      ws.on('error', () => undefined);
    });
    expect(status).toBe(400);
    const good = await harness.connect(`${wsUrl}?v=1`);
    await good.barrier();
  });
});
