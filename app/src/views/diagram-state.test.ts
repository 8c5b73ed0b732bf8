import { describe, expect, it } from 'vitest';
import type { JournalEvent } from '../../../core/journal.ts';
import type { TabmeshApi } from '../api-types.ts';
import { NodeView } from '../ui/node-view.svelte.ts';
import type { MemberView, NodeViewSource, TraceView } from '../view-source.ts';
import { DiagramState } from './diagram-state.svelte.ts';

let n = 0;
const send = (t: number, kind: JournalEvent['kind']): JournalEvent => ({
  n: ++n, t, type: 'send', node: 'me', peer: 'b', dir: 'out', msgId: `m${n}`, kind, bytes: 1, lamport: n, vc: { me: n },
});

/** A source whose journal and members a test changes at will. */
function fakeView() {
  const trace: { local: JournalEvent[]; remote: JournalEvent[] } = { local: [send(1000, 'chat'), send(2000, 'gossip')], remote: [] };
  let members: MemberView[] = [];
  const api = { id: 'me', peers: () => [] } as unknown as TabmeshApi;
  const source = { api, trace: (): TraceView => trace, now: () => 5000, members: () => members } as unknown as NodeViewSource;
  return { trace, view: new NodeView(source), setMembers: (m: MemberView[]) => (members = m) };
}

describe('DiagramState while its panel is hidden', () => {
  it('keeps the model it last drew, then redraws on being shown with what changed meanwhile', () => {
    const { view } = fakeView();
    const diagram = new DiagramState(view);
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
