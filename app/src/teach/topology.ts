import type { NodeReport } from '../runtime/control-report.ts';

/**
 * The room's topology as the union of what members report: a link is drawn when either end
 * says it is open, and drawn as cut when either end cuts it. Only links between members present
 * now are drawn; a report's mention of anyone else is stale.
 */
export interface TopologyEdge {
  /** The smaller id. */
  readonly a: string;
  readonly b: string;
  readonly cut: boolean;
}

export interface Point {
  readonly x: number;
  readonly y: number;
}

export function topologyEdges(members: readonly string[], reports: ReadonlyMap<string, NodeReport>): TopologyEdge[] {
  const present = new Set(members);
  const edges = new Map<string, { a: string; b: string; cut: boolean }>();
  const cuts = (from: string, to: string): boolean => reports.get(from)?.cut.includes(to) ?? false;
  for (const from of members) {
    for (const to of reports.get(from)?.links ?? []) {
      if (!present.has(to) || to === from) continue;
      const [a, b] = from < to ? [from, to] : [to, from];
      const key = `${a} ${b}`;
      if (!edges.has(key)) edges.set(key, { a, b, cut: cuts(a, b) || cuts(b, a) });
    }
  }
  return [...edges.values()].sort((x, y) => (x.a === y.a ? (x.b < y.b ? -1 : 1) : x.a < y.a ? -1 : 1));
}

/** Members on a circle in join order, the first at the top, going clockwise. */
export function circleLayout(members: readonly string[], size: number, margin: number): Map<string, Point> {
  const r = size / 2 - margin;
  const c = size / 2;
  return new Map(
    members.map((id, i) => {
      const angle = (2 * Math.PI * i) / Math.max(1, members.length) - Math.PI / 2;
      return [id, { x: Math.round((c + r * Math.cos(angle)) * 10) / 10, y: Math.round((c + r * Math.sin(angle)) * 10) / 10 }];
    }),
  );
}
