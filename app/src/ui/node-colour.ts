/**
 * A node's colour, derived from its id alone so every tab paints a node the same way without
 * agreeing on anything. FNV-1a spreads similar ids ("n1", "n2") across the hue circle.
 */
export function hueOf(id: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    hash ^= id.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % 360;
}

/** Dark enough for white text on it (and it on white) at any hue. */
export function nodeColour(id: string): string {
  return `hsl(${hueOf(id)} 60% 38%)`;
}

/** A pale tint of the same hue for backgrounds behind dark text. */
export function nodeTint(id: string): string {
  return `hsl(${hueOf(id)} 70% 94%)`;
}
