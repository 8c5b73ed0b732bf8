import { hueOf } from '../ui/node-colour.ts';

/**
 * The node's colour as awareness carries it (#rrggbb), the same hue the page paints the node
 * with (ui/node-colour.ts: hsl(hue 60% 38%)), so a cursor and its member row match.
 */
export function presenceColour(id: string): string {
  const s = 0.6;
  const l = 0.38;
  const a = s * Math.min(l, 1 - l);
  const channel = (n: number): string => {
    const k = (n + hueOf(id) / 30) % 12;
    const v = l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1));
    return Math.round(v * 255).toString(16).padStart(2, '0');
  };
  return `#${channel(0)}${channel(8)}${channel(4)}`;
}
