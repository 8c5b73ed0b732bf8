/**
 * Runs a user action against the API and returns why it failed, or null. The API throws
 * RangeError/TypeError for bad input; the panel shows that message next to the control instead
 * of losing it in the console.
 */
export function attempt(action: () => void): string | null {
  try {
    action();
    return null;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}
