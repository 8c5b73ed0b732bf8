/**
 * JSON values as they arrive from a socket. JSON.parse hands back `any`; these guards turn it
 * into a typed value, and bound the nesting so that re-serialising a relayed value can never
 * exhaust the stack (JSON.stringify recurses; JSON.parse does not).
 */
export type Json = null | boolean | number | string | Json[] | JsonObject;
export interface JsonObject {
  [key: string]: Json;
}

/** Deep enough for SDP/ICE payloads and y-webrtc's frames, shallow enough to re-serialise safely. */
export const MAX_JSON_DEPTH = 32;

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** True when `value` is a JSON value nested at most `depthLeft` containers deep. */
export function isJson(value: unknown, depthLeft: number = MAX_JSON_DEPTH): value is Json {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (typeof value !== 'object' || depthLeft <= 0) return false;
  if (Array.isArray(value)) return value.every((item) => isJson(item, depthLeft - 1));
  return Object.values(value).every((item) => isJson(item, depthLeft - 1));
}

export function isJsonObject(value: unknown, depthLeft: number = MAX_JSON_DEPTH): value is JsonObject {
  return isPlainObject(value) && isJson(value, depthLeft);
}

/** Parses text without throwing; `undefined` means it was not JSON. */
export function tryParseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
