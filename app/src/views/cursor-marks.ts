/**
 * Other members' carets and selections over the shared text, cut into the pieces an overlay
 * draws: runs of text (highlighted where someone has them selected) and carets between them.
 * Positions come from awareness already resolved against the current text; ones past its end
 * (the text changed since) are clamped rather than dropped.
 */
export interface CursorMark {
  readonly peer: string;
  readonly name: string;
  readonly colour: string;
  readonly anchor: number;
  readonly head: number;
}

export type Segment =
  | { readonly type: 'text'; readonly text: string; readonly from: number; readonly selectedBy: CursorMark | null }
  | { readonly type: 'caret'; readonly at: number; readonly mark: CursorMark };

export function cursorSegments(text: string, marks: readonly CursorMark[]): Segment[] {
  const clamp = (i: number): number => Math.max(0, Math.min(text.length, Math.trunc(i)));
  const placed = marks.map((m) => ({ mark: m, head: clamp(m.head), from: clamp(Math.min(m.anchor, m.head)), to: clamp(Math.max(m.anchor, m.head)) }));
  const cuts = new Set([0, text.length]);
  for (const p of placed) {
    cuts.add(p.head);
    cuts.add(p.from);
    cuts.add(p.to);
  }
  const points = [...cuts].sort((a, b) => a - b);
  const out: Segment[] = [];
  for (let i = 0; i < points.length; i++) {
    const at = points[i] as number;
    for (const p of placed.filter((x) => x.head === at).sort((a, b) => (a.mark.peer < b.mark.peer ? -1 : 1))) out.push({ type: 'caret', at, mark: p.mark });
    const next = points[i + 1];
    if (next === undefined) break;
    // One highlight per run: the first (by peer id) of those selecting it.
    const by = placed.filter((p) => p.from <= at && p.to >= next).sort((a, b) => (a.mark.peer < b.mark.peer ? -1 : 1))[0];
    out.push({ type: 'text', text: text.slice(at, next), from: at, selectedBy: by?.mark ?? null });
  }
  return out;
}
