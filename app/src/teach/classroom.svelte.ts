import { every, type Scheduler } from '../../../core/scheduler.ts';
import type { Member } from '../net/signaling-protocol.ts';
import { REPORT_INTERVAL_MS } from '../runtime/control-commands.ts';
import { parseNodeReport, type NodeReport } from '../runtime/control-report.ts';
import { createInstructorClient, type InstructorClient, type InstructorStatus } from './instructor-client.ts';
import { memberRows, type MemberRow, type ReceivedReport } from './member-rows.ts';
import { memberJoined, partitionOutgoing, perform, type Outcome, type Outgoing, type RoomAction } from './room-actions.ts';
import { emptyPlan, reconcile, removeMember, setGroupCount, type RoomPlan } from './room-plan.ts';
import { topologyEdges, type TopologyEdge } from './topology.ts';

/**
 * The instructor view's state: the room's members, their latest reports, the plan on the board
 * and a log of what was sent. Every button and every scenario step goes through perform(), so
 * both act on the room the same way. Views read; only this class talks to the socket.
 */
export type ClassroomStatus = 'disconnected' | InstructorStatus;

export interface LogEntry {
  readonly id: number;
  readonly text: string;
  readonly bad: boolean;
}

const LOG_LINES = 60;
/** The page's clock ticks this often, so a member that stops reporting turns "silent". */
const TICK_MS = 1000;

export class Classroom {
  readonly room: string;
  status = $state<ClassroomStatus>('disconnected');
  detail = $state<string | null>(null);
  members = $state.raw<readonly Member[]>([]);
  reports = $state.raw<ReadonlyMap<string, ReceivedReport>>(new Map());
  plan = $state.raw<RoomPlan>(emptyPlan());
  log = $state.raw<readonly LogEntry[]>([]);
  /** Reports refused as malformed (a student's socket can send anything). */
  badReports = $state(0);
  now = $state(0);
  readonly rows: MemberRow[] = $derived(memberRows(this.members, this.reports, this.plan, this.now));
  readonly edges: TopologyEdge[] = $derived(
    topologyEdges(
      this.members.map((m) => m.id),
      new Map([...this.reports].map(([id, r]): [string, NodeReport] => [id, r.report])),
    ),
  );
  readonly #scheduler: Scheduler;
  #client: InstructorClient | null = null;
  #stopClock: () => void = () => {};
  #logId = 0;

  readonly #createClient: (key: string) => InstructorClient;

  /** `createClient` stands in for the real socket in tests. */
  constructor(room: string, scheduler: Scheduler, createClient?: (key: string) => InstructorClient) {
    this.room = room;
    this.#scheduler = scheduler;
    this.#createClient = createClient ?? ((key) => createInstructorClient({ room, key, scheduler }));
  }

  get ids(): string[] {
    return this.members.map((m) => m.id);
  }

  name(id: string): string {
    return this.members.find((m) => m.id === id)?.name ?? id;
  }

  note(text: string, bad = false): void {
    this.log = [{ id: ++this.#logId, text, bad }, ...this.log].slice(0, LOG_LINES);
  }

  connect(key: string): void {
    if (key.trim() === '') {
      this.detail = 'enter the instructor key that npm start printed';
      return;
    }
    this.disconnect();
    const client = this.#createClient(key);
    this.#client = client;
    this.status = client.status;
    this.detail = null;
    client.on('status', ({ status, detail }) => {
      this.status = status;
      this.detail = detail;
      if (status === 'refused') this.note(`refused: ${detail ?? ''}`, true);
    });
    client.on('accepted', ({ members }) => this.#accepted(members));
    client.on('member-joined', (m) => this.#joined(m));
    client.on('member-left', ({ id, reason }) => this.#left(id, reason));
    client.on('report', ({ from, data }) => this.#report(from, data));
    client.on('control-sent', ({ seq, to, command }) => this.note(`#${seq} ${String(command.op)} reached ${to.length} member${to.length === 1 ? '' : 's'}`));
    client.on('error', ({ code, reason }) => this.note(`server: ${code}: ${reason}`, true));
    this.now = this.#scheduler.now();
    this.#stopClock = every(this.#scheduler, TICK_MS, () => (this.now = this.#scheduler.now()));
  }

  disconnect(): void {
    if (!this.#client) return;
    // Reports are not turned off: another instructor tab of the room may still read them, and
    // with none left the server drops them.
    this.#client.close();
    this.#client = null;
    this.#stopClock();
    this.status = 'disconnected';
  }

  /** Applies an action to the plan and sends what it takes; returns a note when something was skipped. */
  perform(action: RoomAction): string | null {
    let outcome: Outcome;
    try {
      outcome = perform(this.plan, this.ids, action);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.note(message, true);
      return message;
    }
    this.plan = outcome.plan;
    this.#send(outcome.send);
    if (outcome.note !== undefined) this.note(outcome.note, true);
    return outcome.note ?? null;
  }

  moveTo(id: string, group: number): void {
    this.perform({ op: 'move', member: id, group });
  }

  setGroupCount(count: number): void {
    this.plan = setGroupCount(this.plan, count);
  }

  #send(out: readonly Outgoing[]): void {
    for (const { to, command } of out) {
      if (!this.#client?.control(to, command)) this.note(`not connected: ${command.op} was not sent`, true);
    }
  }

  #accepted(members: readonly Member[]): void {
    this.members = members;
    this.plan = reconcile(this.plan, this.ids);
    this.reports = new Map([...this.reports].filter(([id]) => this.ids.includes(id)));
    this.note(`instructor of room "${this.room}" with ${members.length} member${members.length === 1 ? '' : 's'}`);
    if (members.length === 0) return;
    // After a reconnect, members who joined meanwhile are placed now and hear the partition.
    const partition = this.plan.inForce ? partitionOutgoing(this.plan, this.ids) : [];
    this.#send([{ to: 'all', command: { op: 'report', on: true, intervalMs: REPORT_INTERVAL_MS.default } }, ...partition]);
  }

  #joined(member: Member): void {
    this.members = [...this.members.filter((m) => m.id !== member.id), member];
    const outcome = memberJoined(this.plan, this.ids, member.id);
    this.plan = outcome.plan;
    this.note(`${member.name} joined${outcome.send.length > 0 ? '; placed in a group and the partition sent again' : ''}`);
    this.#send([{ to: [member.id], command: { op: 'report', on: true, intervalMs: REPORT_INTERVAL_MS.default } }, ...outcome.send]);
  }

  #left(id: string, reason: string): void {
    this.note(`${this.name(id)} left (${reason})`);
    this.members = this.members.filter((m) => m.id !== id);
    this.plan = removeMember(this.plan, id);
    const reports = new Map(this.reports);
    reports.delete(id);
    this.reports = reports;
  }

  #report(from: string, data: unknown): void {
    const report = parseNodeReport(data);
    if (!report || !this.ids.includes(from)) {
      this.badReports++;
      return;
    }
    this.reports = new Map(this.reports).set(from, { report, at: this.#scheduler.now() });
  }
}
