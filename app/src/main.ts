import { closeEarlySocket } from './net/early-socket.ts';
import { createTabmeshApi } from './runtime/api.ts';
import { startBrowserNode } from './runtime/browser-node.ts';
import { createMountGate, linkTarget } from './runtime/mount-gate.ts';
import { parseParams } from './runtime/params.ts';
import { createViewSource } from './runtime/view-source.ts';

/**
 * The page mounts once the room has formed as this tab sees it, or the join failed or stalled
 * (mount-gate.ts), and after this long whatever happened: a join that keeps changing without
 * ever settling (links opening and closing) must still get the page that explains it.
 */
const MOUNT_WAIT_MS = 20_000;
/** An idle callback may wait for a busy page to settle; not longer than this. */
const MOUNT_IDLE_TIMEOUT_MS = 200;

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');

const fail = (err: unknown): never => {
  // Start-up errors land here (a bad URL parameter, the views' script failing to load); show
  // them instead of a blank page or a progress line that never ends.
  closeEarlySocket(window as unknown as Record<string, unknown>);
  target.textContent = `tabmesh could not start: ${err instanceof Error ? err.message : String(err)}`;
  throw err;
};

/** Runs `fn` once, when the main thread is next idle (Safari has no requestIdleCallback). */
const whenIdle = (fn: () => void): void => {
  if (typeof requestIdleCallback === 'function') requestIdleCallback(fn, { timeout: MOUNT_IDLE_TIMEOUT_MS });
  else setTimeout(fn, 0);
};

try {
  const params = parseParams(location.search);
  const bn = startBrowserNode(params);
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
  let mounted = false;
  const mountPage = (): void => {
    if (mounted) return;
    mounted = true;
    gate.stop();
    stopWatching();
    if (params.ui === 'none') {
      line.textContent = `${api.name} runs without its page (?ui=none); window.tabmesh drives it.`;
      return;
    }
    const source = createViewSource(bn, api);
    import('./page.ts').then(({ mountPage: mountViews }) => mountViews(target, source)).catch(fail);
  };
  // Until it mounts, the page's one line says how the join is going (see mount-gate.ts).
  const line = target.firstElementChild ?? target;
  const gate = createMountGate({
    scheduler: bn.scheduler,
    read: () => {
      const others = [...bn.signaling.members().keys()];
      const want = linkTarget(params.degree, others.length);
      return {
        signaling: bn.signaling.status(),
        others: others.length,
        alive: others.filter((id) => bn.node.membership.status(id) === 'alive').length,
        linked: others.filter((id) => (bn.node.membership.linksOf(id)?.length ?? 0) >= want).length,
        openLinks: bn.node.allLinks().filter(({ link }) => link.state === 'open').length,
        degree: params.degree,
      };
    },
    show: (text) => (line.textContent = text),
    mount: () => whenIdle(mountPage),
  });
  const stopWatching = bn.onChange(() => gate.update());
  gate.update();
  setTimeout(mountPage, MOUNT_WAIT_MS);
} catch (err) {
  fail(err);
}
