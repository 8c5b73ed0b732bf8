import { describe, expect, it } from 'vitest';
import type { JournalEvent } from '../../../core/journal.ts';
import type { TabmeshApi } from '../api-types.ts';
import { NodeView } from '../ui/node-view.svelte.ts';
import type { NodeViewSource, TraceView } from '../view-source.ts';
import { DiagramState, type AfterPaint } from './diagram-state.svelte.ts';

let n = 0;
/** Applies control changes at once, as if every frame were painted immediately. */
const now: AfterPaint = (run) => run();
const send = (t: number, kind: JournalEvent['kind']): JournalEvent => ({
  n: ++n, t, type: 'send', node: 'me', peer: 'b', dir: 'out', msgId: `m${n}`, kind, bytes: 1, lamport: n, vc: { me: n },
});

/** A source with a chat send and a gossip send in its journal, and no members. */
function fakeView(): NodeView {
  const trace: TraceView = { local: [send(1000, 'chat'), send(2000, 'gossip')], remote: [] };
  const api = { id: 'me', peers: () => [] } as unknown as TabmeshApi;
  const source = { api, trace: () => trace, now: () => 5000, members: () => [] } as unknown as NodeViewSource;
  return new NodeView(source);
}

describe('DiagramState while its panel is hidden', () => {
  it('keeps the model it last drew, then redraws on being shown with what changed meanwhile', () => {
    const diagram = new DiagramState(fakeView(), now);
    const drawn = diagram.model;
    expect(drawn.events.map((e) => e.event.kind)).toEqual(['chat', 'gossip']);

    diagram.shown = false;
    diagram.setKind('gossip', false);
    expect(diagram.model).toBe(drawn);

    diagram.shown = true;
    expect(diagram.model).not.toBe(drawn);
    expect(diagram.model.events.map((e) => e.event.kind)).toEqual(['chat']);
  });
});

describe('DiagramState pause', () => {
  it('stops the picture as drawn, not as the journal is at the click, and resumes live', () => {
    const local = [send(1000, 'chat'), send(2000, 'gossip')];
    let clock = 5000;
    const api = { id: 'me', peers: () => [] } as unknown as TabmeshApi;
    const source = { api, trace: () => ({ local, remote: [] }), now: () => clock, members: () => [] } as unknown as NodeViewSource;
    const diagram = new DiagramState(new NodeView(source), now);
    const drawn = diagram.model;
    expect(diagram.selection.to).toBe(5000);

    // A send after the last redraw, and the clock moves on: the paused picture is still the drawn one.
    local.push(send(5500, 'chat'));
    clock = 6000;
    diagram.togglePause();
    expect(diagram.paused).toBe(true);
    expect(diagram.selection.to).toBe(5000);
    expect(diagram.model.events).toEqual(drawn.events);

    // Paused, a filter still applies, to the frozen trace at the frozen time.
    diagram.setKind('gossip', false);
    expect(diagram.model.events.map((e) => e.event.t)).toEqual([1000]);
    diagram.setKind('gossip', true);
    expect(diagram.model.events.map((e) => e.event.t)).toEqual([1000, 2000]);

    diagram.togglePause();
    expect(diagram.selection.to).toBe(6000);
    expect(diagram.model.events.map((e) => e.event.t)).toEqual([1000, 2000, 5500]);
  });
});

describe('DiagramState shown again', () => {
  it('keeps the picture and its time window through the first paint, and redraws a refresh later', () => {
    const painted: { run: () => void; waitMs: number }[] = [];
    const local = [send(1000, 'chat'), send(2000, 'gossip')];
    let clock = 5000;
    const api = { id: 'me', peers: () => [] } as unknown as TabmeshApi;
    const source = { api, trace: () => ({ local, remote: [] }), now: () => clock, members: () => [] } as unknown as NodeViewSource;
    const diagram = new DiagramState(new NodeView(source), (run, waitMs) => painted.push({ run, waitMs }));
    const drawn = diagram.model;

    diagram.shown = false;
    expect(painted.map((p) => p.waitMs)).toEqual([0]);
    painted.shift()?.run();
    local.push(send(5500, 'chat'));
    clock = 6000;

    diagram.shown = true;
    // The panel's first frame shows what it had: same events, same window.
    expect(diagram.selection.to).toBe(5000);
    expect(diagram.model.events).toEqual(drawn.events);
    const redraw = painted.shift();
    expect(redraw?.waitMs).toBeGreaterThan(0);
    redraw?.run();
    expect(diagram.selection.to).toBe(6000);
    expect(diagram.model.events.map((e) => e.event.t)).toEqual([1000, 2000, 5500]);
  });
});

describe('DiagramState controls', () => {
  it('show a change at once and redraw for it after the next paint', () => {
    const painted: (() => void)[] = [];
    const waits: number[] = [];
    const diagram = new DiagramState(fakeView(), (run, waitMs) => {
      painted.push(run);
      waits.push(waitMs);
    });
    const drawn = diagram.model;

    diagram.setKind('gossip', false);
    diagram.togglePause();
    // The checkbox and the button already say so; the picture is the one drawn before.
    expect(diagram.kinds.has('gossip')).toBe(false);
    expect(diagram.paused).toBe(true);
    expect(diagram.model.events).toEqual(drawn.events);
    // Two changes before a paint: one redraw, right after it.
    expect(painted).toHaveLength(1);
    expect(waits).toEqual([0]);

    painted.shift()?.();
    expect(diagram.model.events.map((e) => e.event.kind)).toEqual(['chat']);
  });
});
