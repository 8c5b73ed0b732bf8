/**
 * Keyboard movement in a tab list (WAI-ARIA tabs pattern, automatic activation): arrows move
 * to the previous or next tab and wrap around, Home and End go to the ends. Null for any other
 * key, which the tab list then leaves alone.
 */
export function tabAfterKey(current: number, key: string, count: number): number | null {
  if (count < 1) return null;
  switch (key) {
    case 'ArrowRight':
    case 'ArrowDown':
      return (current + 1) % count;
    case 'ArrowLeft':
    case 'ArrowUp':
      return (current - 1 + count) % count;
    case 'Home':
      return 0;
    case 'End':
      return count - 1;
    default:
      return null;
  }
}
