import { describe, expect, it } from 'vitest';
import { Listeners } from '../../../core/link.ts';
import { createVirtualScheduler } from '../../../core/sim/virtual-scheduler.ts';
import type { NodeCommand } from '../runtime/control-commands.ts';
import { buildReport } from '../runtime/control-report.ts';
import { Classroom } from './classroom.svelte.ts';
import type { InstructorClient, InstructorEvents, InstructorStatus } from './instructor-client.ts';
import { ScenarioPlayer } from './scenario-player.svelte.ts';

/** The instructor's socket as the classroom sees it; the test plays the server. */
function fakeClient() {
  const sent: { to: 'all' | readonly string[]; command: NodeCommand }[] = [];
  const listeners = new Map<string, Listeners<[unknown]>>();
  let status: InstructorStatus = 'connecting';
  const client: InstructorClient = {
    get status() {
      return status;
    },
    control(to, command) {
      if (status !== 'accepted') return false;
      sent.push({ to, command });
      return true;
    },
    on(type, handler) {
      let l = listeners.get(type);
      if (!l) listeners.set(type, (l = new Listeners()));
      return l.add(handler as (e: unknown) => void);
    },
    close: () => void (status = 'closed'),
    stats: () => ({ malformed: 0, reconnects: 0 }),
  };
  const emit = <K extends keyof InstructorEvents>(type: K, event: InstructorEvents[K]): void => {
    if (type === 'accepted') status = 'accepted';
    listeners.get(type)?.emit(event);
  };
  return { client, sent, emit };
}

function setup() {
  const scheduler = createVirtualScheduler();
  const fake = fakeClient();
  const classroom = new Classroom('lab', scheduler, () => fake.client);
  classroom.connect('the-key-123');
  return { scheduler, classroom, ...fake };
}

const report = (self: string, name: string) =>
  buildReport({
    self,
    name,
    crashed: false,
    partitioned: false,
    mode: 'causal',
    clock: { lamport: 1, vector: { [self]: 1 } },
    members: [],
    openLinks: [],
    cut: [],
    stats: {},
    commands: { applied: 0, refused: 0, lastSeq: 0 },
  });

describe('classroom', () => {
  it('asks every member for reports, and shows the ones that parse', () => {
    const { classroom, sent, emit } = setup();
    emit('accepted', { room: 'lab', members: [{ id: 'a', name: 'Ada' }, { id: 'b', name: 'Bo' }] });
    expect(sent).toEqual([{ to: 'all', command: { op: 'report', on: true, intervalMs: 1000 } }]);
    emit('report', { from: 'a', data: report('a', 'Ada') });
    emit('report', { from: 'b', data: { name: 'Bo', crashed: 'no' } });
    emit('report', { from: 'stranger', data: report('stranger', 'X') });
    expect(classroom.rows.map((r) => r.presence)).toEqual(['up', 'waiting']);
    expect(classroom.badReports).toBe(2);
  });

  it('places a late joiner during a partition and sends the partition again; a leaver leaves its group', () => {
    const { classroom, sent, emit } = setup();
    emit('accepted', { room: 'lab', members: [{ id: 'a', name: 'Ada' }, { id: 'b', name: 'Bo' }, { id: 'c', name: 'Cy' }] });
    classroom.perform({ op: 'partition-halves' });
    expect(sent.at(-1)).toEqual({ to: 'all', command: { op: 'partition', groups: [['a', 'b'], ['c']] } });
    emit('member-joined', { id: 'd', name: 'Di' });
    expect(sent.slice(-2)).toEqual([
      { to: ['d'], command: { op: 'report', on: true, intervalMs: 1000 } },
      { to: 'all', command: { op: 'partition', groups: [['a', 'b'], ['c', 'd']] } },
    ]);
    emit('member-left', { id: 'a', reason: 'closed' });
    expect(classroom.plan.groups).toEqual([['b'], ['c', 'd']]);
    expect(classroom.log[0]?.text).toBe('Ada left (closed)');
  });

  it('says so when a command cannot go out', () => {
    const { classroom, sent } = setup();
    classroom.perform({ op: 'heal' });
    expect(sent).toEqual([]);
    expect(classroom.log[0]).toMatchObject({ text: 'not connected: heal was not sent', bad: true });
  });
});

describe('scenario player', () => {
  it('plays a loaded file against the room on time, skipping members who are not there', async () => {
    const { classroom, sent, emit, scheduler } = setup();
    const player = new ScenarioPlayer(classroom, scheduler);
    emit('accepted', { room: 'lab', members: [{ id: 'a', name: 'Ada' }, { id: 'b', name: 'Bo' }] });
    const file = {
      name: 'x',
      explanation: '',
      steps: [
        { at: 0, action: { op: 'partition-halves' } },
        { at: 3, action: { op: 'crash', member: 5 } },
        { at: 6, action: { op: 'heal' } },
      ],
    };
    await player.loadFile(new File([JSON.stringify(file)], 'x.json'));
    expect(player.selected).toBe('file');
    sent.length = 0;
    player.start();
    expect(sent).toEqual([{ to: 'all', command: { op: 'partition', groups: [['a'], ['b']] } }]);
    scheduler.runFor(5000);
    expect(classroom.log[0]?.text).toBe('step 2 at 3 s (crash member 5) skipped: member 5 is not in the room');
    player.togglePause();
    scheduler.runFor(10_000);
    expect(sent).toHaveLength(1);
    player.togglePause();
    scheduler.runFor(1000);
    expect(sent.at(-1)).toEqual({ to: 'all', command: { op: 'heal' } });
    expect(player.status?.state).toBe('finished');
  });

  it('shows every error of a bad file and keeps the selection', async () => {
    const { classroom, scheduler } = setup();
    const player = new ScenarioPlayer(classroom, scheduler);
    await player.loadFile(new File(['{"name": "x", "steps": [{"at": 1}]}'], 'bad.json'));
    expect(player.fileErrors).toEqual(['bad.json: steps[0].action: must be an object with an "op", got nothing']);
    expect(player.selected).toBe('split-brain');
  });
});
