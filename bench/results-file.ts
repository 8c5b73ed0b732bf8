import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';

/**
 * bench/RESULTS.md is shared by several benchmarks; each owns one section between markers and
 * rewrites only that, so running one part never erases another's figures.
 */
const FILE = fileURLToPath(new URL('./RESULTS.md', import.meta.url));
const HEADER = '# tabmesh benchmark results\n\nEach section is rewritten by the command named in it. Figures are from the machine named there.\n';

/** The machine's cores, not this process's: bench:page pins itself to one before it writes. */
export function machineLine(): string {
  const model = cpus()[0]?.model ?? 'unknown CPU';
  return `${cpus().length} cores (${model.trim()}), Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`;
}

export function writeSection(id: string, markdown: string): void {
  const begin = `<!-- section:${id} -->`;
  const end = `<!-- /section:${id} -->`;
  const block = `${begin}\n${markdown.trim()}\n${end}`;
  let text = existsSync(FILE) ? readFileSync(FILE, 'utf8') : HEADER;
  const a = text.indexOf(begin);
  const b = text.indexOf(end);
  text = a >= 0 && b > a ? text.slice(0, a) + block + text.slice(b + end.length) : `${text.trimEnd()}\n\n${block}\n`;
  writeFileSync(FILE, text);
}

export function table(headers: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const line = (cells: readonly (string | number)[]) => `| ${cells.join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}
