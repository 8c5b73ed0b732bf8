import { describe, expect, it } from 'vitest';
import type { JournalEvent } from '../../../core/journal.ts';
import type { TabmeshApi } from '../api-types.ts';
import { NodeView } from '../ui/node-view.svelte.ts';
import type { NodeViewSource, TraceView } from '../view-source.ts';
import { DiagramState } from './diagram-state.svelte.ts';

let n = 0;
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
    const diagram = new DiagramState(fakeView());
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
