import crashAndRecover from '../../../scenarios/crash-and-recover.json';
import fallaciesTour from '../../../scenarios/fallacies-tour.json';
import flakyNetwork from '../../../scenarios/flaky-network.json';
import slowLink from '../../../scenarios/slow-link.json';
import splitBrain from '../../../scenarios/split-brain.json';
import { parseScenario, type ParsedScenario } from './scenario.ts';

/**
 * The scenarios that ship in scenarios/, bundled at build time so the instructor view lists
 * them without a request. Each goes through the same validator as a teacher's own file; a
 * test keeps them all valid.
 */
export interface ShippedScenario {
  /** The file's name without .json. */
  readonly id: string;
  readonly parsed: ParsedScenario;
}

const FILES: readonly [string, unknown][] = [
  ['split-brain', splitBrain],
  ['flaky-network', flakyNetwork],
  ['slow-link', slowLink],
  ['crash-and-recover', crashAndRecover],
  ['fallacies-tour', fallaciesTour],
];

export const SHIPPED_SCENARIOS: readonly ShippedScenario[] = FILES.map(([id, json]) => ({ id, parsed: parseScenario(json) }));
