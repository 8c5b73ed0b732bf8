import { mount } from 'svelte';
import { createWorkerScheduler } from '../net/worker-scheduler.ts';
import { Classroom } from './classroom.svelte.ts';
import { ScenarioPlayer } from './scenario-player.svelte.ts';
import TeachApp from './TeachApp.svelte';
import { parseTeachParams, withoutKey } from './teach-params.ts';

const target = document.getElementById('teach');
if (!target) throw new Error('teach.html has no #teach element');

try {
  const params = parseTeachParams(location.search);
  // Off the address bar at once: the teacher's screen is often on the projector.
  if (params.key !== null) history.replaceState(null, '', `${location.pathname}${withoutKey(location.search)}`);
  // Worker timers: a scenario keeps its times while the teacher looks at another tab.
  const scheduler = createWorkerScheduler();
  const classroom = new Classroom(params.room, scheduler);
  const player = new ScenarioPlayer(classroom, scheduler);
  window.addEventListener('pagehide', () => classroom.disconnect());
  // A page restored from the back-forward cache had given up its socket; start afresh.
  window.addEventListener('pageshow', (event) => {
    if (event.persisted) location.reload();
  });
  mount(TeachApp, { target, props: { classroom, player, initialKey: params.key ?? '' } });
  if (params.key !== null) classroom.connect(params.key);
} catch (err) {
  target.textContent = `the instructor view could not start: ${err instanceof Error ? err.message : String(err)}`;
  throw err;
}
