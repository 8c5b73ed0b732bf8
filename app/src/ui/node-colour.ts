import { fnvString } from '../../../core/fnv.ts';

/**
 * A node's colour, derived from its id alone so every tab paints a node the same way without
 * agreeing on anything. FNV-1a spreads similar ids ("n1", "n2") across the hue circle.
 */
export function hueOf(id: string): number {
  return fnvString(id) % 360;
}

/** Dark enough for white text on it (and it on white) at any hue. */
export function nodeColour(id: string): string {
  return `hsl(${hueOf(id)} 60% 38%)`;
}

/** A pale tint of the same hue for backgrounds behind dark text. */
export function nodeTint(id: string): string {
  return `hsl(${hueOf(id)} 70% 94%)`;
}
