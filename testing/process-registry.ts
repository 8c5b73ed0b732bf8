import { appendFileSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A record of every browser process the suite starts, so that nothing outlives it: the fixtures
 * close browsers in `finally`, but a worker killed mid-test (or a browser that ignores close)
 * leaves processes behind, and Firefox driven over BiDi does not exit when its driver dies.
 *
 * Workers append "pid starttime" lines for each child process they spawn to a file in a
 * per-run directory (named in $TABMESH_BROWSER_REGISTRY by the global setup); the global
 * teardown kills whatever is still alive with the same start time (so a reused pid is never
 * hit), and the next run's setup does the same for a run that was itself killed. Playwright
 * launches browsers as process-group leaders, so killing the group takes their helpers too.
 * Linux only (it reads /proc); elsewhere nothing is recorded and the fixtures' closing is all.
 */
export const REGISTRY_ENV = 'TABMESH_BROWSER_REGISTRY';
const DIR_PREFIX = 'tabmesh-browsers-';
const PIDS_FILE = 'pids';

interface ProcessEntry {
  readonly pid: number;
  readonly start: string;
}

/** Start time and parent of a process from /proc/<pid>/stat, undefined when it is gone. */
function stat(pid: number): { start: string; ppid: number } | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name is in parentheses and may itself contain spaces or parentheses.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // After the name: state, ppid, ... ; starttime is field 22 of the whole line, 20 of these.
  const [ppid, start] = [Number(fields[1]), fields[19]];
  return start === undefined ? undefined : { start, ppid };
}

function childrenOf(parent: number): ProcessEntry[] {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return [];
  }
  const out: ProcessEntry[] = [];
  for (const name of pids) {
    const pid = Number(name);
    const s = stat(pid);
    if (s?.ppid === parent) out.push({ pid, start: s.start });
  }
  return out;
}

/** Records every current child of this process (a worker's children are its browsers). */
export function recordChildren(dir = process.env[REGISTRY_ENV]): void {
  if (!dir) return;
  const lines = childrenOf(process.pid).map((p) => `${p.pid} ${p.start}\n`);
  if (lines.length > 0) appendFileSync(join(dir, PIDS_FILE), lines.join(''));
}

/** Kills the recorded processes (and their groups) still alive; returns the pids it killed. */
export function killRecorded(dir: string): number[] {
  let text = '';
  try {
    text = readFileSync(join(dir, PIDS_FILE), 'utf8');
  } catch {
    return [];
  }
  const killed = new Set<number>();
  for (const line of text.split('\n')) {
    const [pid, start] = [Number(line.split(' ')[0]), line.split(' ')[1]];
    if (!Number.isSafeInteger(pid) || pid <= 1 || killed.has(pid) || stat(pid)?.start !== start) continue;
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // Not a group leader after all: kill the process alone.
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        continue;
      }
    }
    killed.add(pid);
  }
  return [...killed];
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A fresh registry directory for this run (named after the runner's pid), after cleaning up the
 * directories of earlier runs whose runner is gone: those were killed before their teardown.
 */
export function openRegistry(): { dir: string; staleKilled: number[] } {
  const staleKilled: number[] = [];
  for (const name of readdirSync(tmpdir())) {
    if (!name.startsWith(DIR_PREFIX)) continue;
    const runner = Number(name.slice(DIR_PREFIX.length));
    if (!Number.isSafeInteger(runner) || runner === process.pid || alive(runner)) continue;
    const dir = join(tmpdir(), name);
    staleKilled.push(...killRecorded(dir));
    rmSync(dir, { recursive: true, force: true });
  }
  const dir = join(tmpdir(), `${DIR_PREFIX}${process.pid}`);
  mkdirSync(dir, { recursive: true });
  return { dir, staleKilled };
}

export function closeRegistry(dir: string): number[] {
  const killed = killRecorded(dir);
  rmSync(dir, { recursive: true, force: true });
  return killed;
}
