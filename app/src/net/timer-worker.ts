/**
 * The timer half of worker-scheduler.ts. It only waits: {id, ms} starts a timer that answers
 * {id} when due, {id, cancel: true} stops one. Callbacks stay on the main thread.
 */
const scope = self as unknown as DedicatedWorkerGlobalScope;
const timers = new Map<number, ReturnType<typeof setTimeout>>();

scope.addEventListener('message', (event: MessageEvent<unknown>) => {
  const msg = event.data;
  if (typeof msg !== 'object' || msg === null) return;
  const { id, ms, cancel } = msg as { id?: unknown; ms?: unknown; cancel?: unknown };
  if (typeof id !== 'number') return;
  if (cancel === true) {
    clearTimeout(timers.get(id));
    timers.delete(id);
    return;
  }
  if (typeof ms !== 'number' || !(ms >= 0)) return;
  timers.set(
    id,
    setTimeout(() => {
      timers.delete(id);
      scope.postMessage({ id });
    }, ms),
  );
});
