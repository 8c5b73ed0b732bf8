import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve as resolvePath } from 'node:path';

/**
 * Turns a position in the built app (a profile's call frame) into the source position it came
 * from, so a profile of the minified bundle names app/ and core/ files. The bench builds the app
 * with hidden source maps: the code is byte for byte what `npm run build` serves, and the maps
 * sit beside it without a reference from the bundle. A small decoder of the source map v3
 * "mappings" field (base64 VLQ), since the project has no source-map dependency of its own.
 */
interface Segment {
  readonly column: number;
  readonly source: number;
  readonly line: number;
  readonly name: number | undefined;
}

interface DecodedMap {
  /** Paths relative to the repository root. */
  readonly sources: readonly string[];
  readonly names: readonly string[];
  readonly lines: readonly (readonly Segment[])[];
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function decodeVlq(text: string): number[] {
  const out: number[] = [];
  let value = 0;
  let shift = 0;
  for (const ch of text) {
    const digit = BASE64.indexOf(ch);
    if (digit < 0) throw new Error(`bad base64 VLQ digit ${JSON.stringify(ch)}`);
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
      continue;
    }
    out.push(value & 1 ? -(value >>> 1) : value >>> 1);
    value = 0;
    shift = 0;
  }
  return out;
}

interface RawMap {
  readonly sources: string[];
  readonly sourceRoot?: string;
  readonly names: string[];
  readonly mappings: string;
}

function decodeMap(raw: RawMap, mapFile: string, repoRoot: string): DecodedMap {
  let [source, line, column, name] = [0, 0, 0, 0];
  const lines = raw.mappings.split(';').map((text) => {
    let genColumn = 0;
    const segments: Segment[] = [];
    for (const part of text.split(',')) {
      if (part === '') continue;
      const f = decodeVlq(part);
      genColumn += f[0] ?? 0;
      if (f.length < 4) continue;
      source += f[1] ?? 0;
      line += f[2] ?? 0;
      column += f[3] ?? 0;
      if (f.length >= 5) name += f[4] ?? 0;
      segments.push({ column: genColumn, source, line, name: f.length >= 5 ? name : undefined });
    }
    return segments;
  });
  const sources = raw.sources.map((src) => relative(repoRoot, resolvePath(dirname(mapFile), raw.sourceRoot ?? '', src)));
  return { sources, names: raw.names, lines };
}

export type Resolver = (url: string, line0: number, column0: number) => string | undefined;

/**
 * A resolver over the maps of the app built into `appDir`, naming sources relative to
 * `repoRoot`; it answers undefined where no map covers the frame.
 */
export function createResolver(appDir: string, repoRoot: string): Resolver {
  const maps = new Map<string, DecodedMap | null>();
  const load = (pathname: string): DecodedMap | null => {
    let map = maps.get(pathname);
    if (map !== undefined) return map;
    const file = join(appDir, `${pathname}.map`);
    map = existsSync(file) ? decodeMap(JSON.parse(readFileSync(file, 'utf8')) as RawMap, file, repoRoot) : null;
    maps.set(pathname, map);
    return map;
  };
  return (url, line0, column0) => {
    let pathname: string;
    try {
      pathname = new URL(url).pathname;
    } catch {
      return undefined;
    }
    const map = load(pathname);
    const segments = map?.lines[line0];
    if (!map || !segments || segments.length === 0) return undefined;
    let best: Segment | undefined;
    for (const s of segments) if (s.column <= column0) best = s;
    if (best === undefined) return undefined;
    const source = map.sources[best.source] ?? '?';
    const name = best.name === undefined ? '' : ` ${map.names[best.name]}`;
    return `${source}:${best.line + 1}${name}`;
  };
}
