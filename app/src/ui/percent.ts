/** A plain decimal as people type it; "1e3", "0x10" and "Infinity" are not what they meant. */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)$/;

/** Parses a decimal number, allowing surrounding spaces; a RangeError names the field. */
export function parseDecimal(field: string, text: string): number {
  const trimmed = text.trim();
  if (!DECIMAL.test(trimmed)) throw new RangeError(`${field}: "${text}" is not a number`);
  return Number(trimmed);
}

/** "12.5" or "12.5 %" to 0.125; the panel speaks percent, the API probabilities. */
export function percentToProbability(field: string, text: string): number {
  const percent = parseDecimal(field, text.trim().replace(/\s*%$/, ''));
  if (percent < 0 || percent > 100) throw new RangeError(`${field} must be 0–100 %, got ${percent}`);
  // Rounded so that 0.1 % typed is 0.001 sent, not 0.0010000000000000002.
  return Math.round(percent * 1e6) / 1e8;
}

/** 0.125 to "12.5": enough digits for any value the panel can produce, and no float noise. */
export function probabilityToPercent(probability: number): string {
  return String(Math.round(probability * 1e8) / 1e6);
}
