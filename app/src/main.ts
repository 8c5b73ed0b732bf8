import { mount } from 'svelte';
import App from './App.svelte';
import { createTabmeshApi } from './runtime/api.ts';
import { startBrowserNode } from './runtime/browser-node.ts';
import { parseParams } from './runtime/params.ts';
import { createViewSource } from './runtime/view-source.ts';

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');

try {
  const bn = startBrowserNode(parseParams(location.search));
  const api = createTabmeshApi(bn);
  // Read-only: a test or script replacing it by accident would silently talk to nothing.
  Object.defineProperty(window, 'tabmesh', { value: api, enumerable: true });
  // Not part of the public API: the e2e kit (testing/) attaches these to a failed test's report.
  Object.defineProperty(window, '__tabmeshDebug', {
    value: { journal: () => bn.node.journal?.events() ?? [], errors: () => bn.node.errors.recent(), faults: (peer: string) => bn.node.faultsFor(peer) },
  });
  // Leaving cleanly lets neighbours close their links now; they still learn of the death by failure detection.
  window.addEventListener('pagehide', () => bn.close());
  // A page restored from the back-forward cache had closed its node; start a fresh one.
  window.addEventListener('pageshow', (event) => {
    if (event.persisted) location.reload();
  });
  mount(App, { target, props: { source: createViewSource(bn, api) } });
} catch (err) {
  // Only start-up errors land here (a bad URL parameter); show them instead of a blank page.
  target.textContent = `tabmesh could not start: ${err instanceof Error ? err.message : String(err)}`;
  throw err;
}
