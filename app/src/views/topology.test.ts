import { describe, expect, it } from 'vitest';
import type { MemberView } from '../view-source.ts';
import { NO_FAULTS } from '../../../core/fault-settings.ts';
import { buildTopology, ownLink, type OwnLink } from './topology.ts';

const member = (id: string, links: string[], liveness: MemberView['liveness'] = 'alive'): MemberView => ({ id, name: id.toUpperCase(), liveness, links, self: id === 'me' });
const own = (peer: string, link: OwnLink['link'], extra: Partial<OwnLink> = {}): OwnLink => ({ peer, link, cut: false, faulty: false, ...extra });

describe('buildTopology', () => {
  it('draws every member gossip knows, with its own links from first hand and others from announcements', () => {
    const members = [member('me', ['a']), member('a', ['me', 'b']), member('b', ['a', 'c']), member('c', [], 'suspected')];
    const t = buildTopology('me', members, [own('a', 'open')]);
    expect(t.nodes.map((n) => `${n.id}:${n.liveness}:${n.self}`)).toEqual(['a:alive:false', 'b:alive:false', 'c:suspected:false', 'me:alive:true']);
    // This node's links come last, so they are painted over (and take clicks before) the others'.
    expect(t.edges.map((e) => `${e.key}:${e.state}:${e.peer}`)).toEqual(['a|b:open:null', 'b|c:closing:null', 'a|me:open:a']);
  });

  it('colours this node’s links by fault and transport state; a cut shows even with no link yet', () => {
    const members = [member('me', []), member('a', []), member('b', []), member('c', []), member('d', []), member('e', [])];
    const t = buildTopology('me', members, [
      own('a', 'open', { cut: true, faulty: true }),
      own('b', 'open', { faulty: true }),
      own('c', 'connecting'),
      own('d', 'closed'),
      own('e', 'none', { cut: true }),
      own('f', 'none'),
    ]);
    expect(Object.fromEntries(t.edges.map((e) => [e.peer, e.state]))).toEqual({ a: 'cut', b: 'faulty', c: 'connecting', d: 'closing', e: 'cut' });
  });

  it('trusts this node over what others say of its links, and ignores links to unknown nodes', () => {
    const members = [member('me', []), member('a', ['me', 'ghost'])];
    const t = buildTopology('me', members, []);
    expect(t.edges).toEqual([]);
  });

  it('adds a peer this node has a link to before gossip has named it', () => {
    const t = buildTopology('me', [member('me', [])], [own('x', 'connecting')]);
    expect(t.nodes.find((n) => n.id === 'x')).toMatchObject({ liveness: 'unknown', self: false });
  });

  it('reads a link of this node as cut when either direction is, faulty for any other fault', () => {
    const peer = { id: 'a', name: 'A', link: 'open' as const, alive: true };
    expect(ownLink(peer, { out: NO_FAULTS, in: NO_FAULTS })).toEqual({ peer: 'a', link: 'open', cut: false, faulty: false });
    expect(ownLink(peer, { out: NO_FAULTS, in: { ...NO_FAULTS, cut: true } })).toMatchObject({ cut: true, faulty: false });
    expect(ownLink(peer, { out: { ...NO_FAULTS, bandwidthKbps: 64 }, in: NO_FAULTS })).toMatchObject({ cut: false, faulty: true });
    expect(ownLink(peer, { out: NO_FAULTS, in: { ...NO_FAULTS, jitterMs: 5 } })).toMatchObject({ faulty: true });
  });
});
