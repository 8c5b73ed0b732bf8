import { writeFile } from 'node:fs/promises';
import type { TestInfo } from '@playwright/test';
import type { Mesh } from './mesh.ts';

/**
 * What a failed test leaves behind to debug it with: every node's journal (every message
 * event at its links, with clocks) and rejected inputs, a screenshot of every live tab, the
 * crashed tabs' journals as read just before they closed, the history of writes, and the
 * browsers' console. Each read is bounded, since a failure may be a tab that hangs.
 */
const READ_TIMEOUT_MS = 10_000;

async function bounded<T>(what: string, read: Promise<T>): Promise<T | string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => (timer = setTimeout(() => resolve(`${what}: no answer within ${READ_TIMEOUT_MS} ms`), READ_TIMEOUT_MS)));
  try {
    return await Promise.race([read.catch((err: unknown) => `${what}: ${err instanceof Error ? err.message : String(err)}`), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const JSON_TYPE = 'application/json';
const json = (value: unknown): string => JSON.stringify(value, null, 1);
/** A journal as JSON lines: a header, then one event per line (tens of thousands of them). */
const jsonLines = (header: object, events: unknown): string =>
  [JSON.stringify(header), ...(Array.isArray(events) ? events.map((e) => JSON.stringify(e)) : [JSON.stringify(events)])].join('\n');
const JSONL_TYPE = 'application/x-ndjson';

/** Written into the test's output folder, so every reporter (and CI's artefacts) has the files. */
async function attach(testInfo: TestInfo, name: string, body: string | Buffer, contentType: string): Promise<void> {
  const path = testInfo.outputPath(name.replace(/[^\w.-]+/g, '_'));
  await writeFile(path, body);
  await testInfo.attach(name, { path, contentType });
}

export async function attachFailure(testInfo: TestInfo, meshes: readonly Mesh[], lines: readonly string[]): Promise<void> {
  for (const [m, mesh] of meshes.entries()) {
    const prefix = meshes.length > 1 ? `mesh${m}-` : '';
    for (const node of mesh.nodes) {
      const label = `${prefix}${node.name}-${node.id}`;
      const [journal, rejected, shot] = await Promise.all([
        bounded('journal', node.journal()),
        bounded('rejected inputs', node.rejected()),
        bounded('screenshot', node.page.screenshot()),
      ]);
      await attach(testInfo, `journal-${label}.jsonl`, jsonLines({ node: node.toString(), rejected }, journal), JSONL_TYPE);
      if (typeof shot === 'string') await attach(testInfo, `screenshot-${label}.txt`, shot, 'text/plain');
      else await attach(testInfo, `screenshot-${label}.png`, shot, 'image/png');
    }
    for (const { node, journal } of mesh.crashed) {
      await attach(testInfo, `journal-${prefix}crashed-${node.name}-${node.id}.jsonl`, jsonLines({ node: node.toString(), crashed: true }, journal), JSONL_TYPE);
    }
    await attach(testInfo, `${prefix}history.json`, json(mesh.history), JSON_TYPE);
  }
  if (lines.length > 0) await attach(testInfo, 'browser-console.txt', lines.join('\n'), 'text/plain');
}
