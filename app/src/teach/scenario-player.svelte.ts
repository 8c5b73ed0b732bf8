import { every, type Scheduler } from '../../../core/scheduler.ts';
import type { Classroom } from './classroom.svelte.ts';
import { parseScenarioText, resolveAction, SCENARIO_LIMITS, type ParsedScenario, type Scenario, type ScenarioAction } from './scenario.ts';
import { createScenarioRunner, type RunnerStatus, type ScenarioRunner } from './scenario-runner.ts';
import { SHIPPED_SCENARIOS } from './shipped-scenarios.ts';

/**
 * The scenario panel's state: the shipped scenarios plus one loaded from a file, the chosen
 * one, and the runner playing it against the classroom. Steps resolve their members when they
 * run, so a scenario keeps going as members come and go.
 */
export interface ScenarioChoice {
  readonly id: string;
  readonly label: string;
  readonly parsed: ParsedScenario;
}

/** Often enough for a seconds display to look smooth. */
const STATUS_TICK_MS = 250;
export const FILE_CHOICE = 'file';

export class ScenarioPlayer {
  readonly #classroom: Classroom;
  readonly #scheduler: Scheduler;
  #runner: ScenarioRunner | null = null;
  #stopTick: () => void = () => {};
  loaded = $state.raw<ScenarioChoice | null>(null);
  selected = $state<string>(SHIPPED_SCENARIOS[0]?.id ?? FILE_CHOICE);
  fileErrors = $state.raw<readonly string[]>([]);
  status = $state.raw<RunnerStatus | null>(null);
  /** The scenario being played, which may differ from the one selected since. */
  playing = $state.raw<Scenario | null>(null);

  constructor(classroom: Classroom, scheduler: Scheduler) {
    this.#classroom = classroom;
    this.#scheduler = scheduler;
  }

  get choices(): ScenarioChoice[] {
    const shipped = SHIPPED_SCENARIOS.map(({ id, parsed }) => ({ id, label: parsed.ok ? parsed.scenario.name : `${id} (invalid)`, parsed }));
    return this.loaded ? [...shipped, this.loaded] : shipped;
  }

  get chosen(): ScenarioChoice | undefined {
    return this.choices.find((c) => c.id === this.selected);
  }

  async loadFile(file: File): Promise<void> {
    if (file.size > SCENARIO_LIMITS.maxFileBytes) {
      this.fileErrors = [`${file.name} is ${Math.ceil(file.size / 1024)} KiB; a scenario is at most ${SCENARIO_LIMITS.maxFileBytes / 1024} KiB`];
      return;
    }
    const parsed = parseScenarioText(await file.text());
    this.fileErrors = parsed.ok ? [] : parsed.errors.map((e) => `${file.name}: ${e}`);
    if (!parsed.ok) return;
    this.loaded = { id: FILE_CHOICE, label: `${parsed.scenario.name} (${file.name})`, parsed };
    this.selected = FILE_CHOICE;
  }

  start(): void {
    const choice = this.chosen;
    if (!choice?.parsed.ok) return;
    const scenario = choice.parsed.scenario;
    this.stop();
    this.playing = scenario;
    this.#classroom.note(`scenario "${scenario.name}" started`);
    const runner = createScenarioRunner({
      stepTimesMs: scenario.steps.map((s) => s.at * 1000),
      scheduler: this.#scheduler,
      run: (i) => this.#run(scenario, i),
      onError: (i, err) => this.#classroom.note(`step ${i + 1} failed: ${err instanceof Error ? err.message : String(err)}`, true),
      onChange: () => this.#refresh(),
    });
    this.#runner = runner;
    this.#stopTick = every(this.#scheduler, STATUS_TICK_MS, () => this.#refresh());
    runner.start();
    this.#refresh();
  }

  /** Pauses a running scenario, or resumes a paused one. */
  togglePause(): void {
    const state = this.#runner?.status().state;
    if (state === 'running') this.#runner?.pause();
    else if (state === 'paused') this.#runner?.resume();
  }

  stop(): void {
    this.#runner?.stop();
    this.#stopTick();
    this.#refresh();
  }

  #run(scenario: Scenario, index: number): void {
    const step = scenario.steps[index];
    if (!step) return;
    const resolved = resolveAction(step.action, this.#classroom.ids, this.#classroom.plan);
    const where = `step ${index + 1} at ${step.at} s (${describe(step.action)})`;
    if ('skip' in resolved) {
      this.#classroom.note(`${where} skipped: ${resolved.skip}`, true);
      return;
    }
    const note = this.#classroom.perform(resolved);
    if (note === null) this.#classroom.note(`${where} sent`);
  }

  #refresh(): void {
    this.status = this.#runner?.status() ?? null;
    if (this.status && this.status.state !== 'running' && this.status.state !== 'paused') this.#stopTick();
  }
}

function describe(a: ScenarioAction): string {
  if (a.op === 'faults') return `faults ${JSON.stringify(a.faults)}`;
  if ('member' in a && a.member !== undefined) return `${a.op} ${typeof a.member === 'number' ? `member ${a.member}` : a.member}`;
  return a.op;
}
