import { isPlainObject, tryParseJson } from './json.ts';

/**
 * The RTCIceServer subset handed to every tab in its `joined` frame. No servers by default:
 * public STUN servers are unreachable in a classroom and leak every student's address.
 */
export interface IceServer {
  readonly urls: string | readonly string[];
  readonly username?: string;
  readonly credential?: string;
}

const ICE_URL = /^(stun|stuns|turn|turns):[^\s]+$/;
const ICE_KEYS = new Set(['urls', 'username', 'credential']);

/** Validates a decoded value as a list of ICE servers; throws a TypeError naming the bad entry. */
export function parseIceServers(value: unknown): IceServer[] {
  if (!Array.isArray(value)) throw new TypeError('ICE servers must be a JSON array of {urls, username?, credential?}');
  return value.map((entry, i) => parseIceServer(entry, `ICE server #${i}`));
}

/** Same as parseIceServers, from JSON text such as the ICE_SERVERS environment variable. */
export function parseIceServersJson(text: string): IceServer[] {
  const value = tryParseJson(text);
  if (value === undefined) throw new TypeError(`ICE servers are not valid JSON: ${JSON.stringify(text.slice(0, 80))}`);
  return parseIceServers(value);
}

function parseIceServer(entry: unknown, where: string): IceServer {
  if (!isPlainObject(entry)) throw new TypeError(`${where} must be an object with a "urls" field`);
  for (const key of Object.keys(entry)) {
    if (!ICE_KEYS.has(key)) throw new TypeError(`${where} has an unexpected field "${key}"`);
  }
  const { urls, username, credential } = entry;
  const list = typeof urls === 'string' ? [urls] : urls;
  if (!Array.isArray(list) || list.length === 0) {
    throw new TypeError(`${where}: "urls" must be a URL string or a non-empty array of them`);
  }
  const checked: string[] = [];
  for (const url of list) {
    if (typeof url !== 'string' || !ICE_URL.test(url)) {
      throw new TypeError(`${where}: ${JSON.stringify(url)} is not a stun:, stuns:, turn: or turns: URL`);
    }
    checked.push(url);
  }
  if (username !== undefined && typeof username !== 'string') throw new TypeError(`${where}: "username" must be a string`);
  if (credential !== undefined && typeof credential !== 'string') {
    throw new TypeError(`${where}: "credential" must be a string`);
  }
  const server: { urls: string | string[]; username?: string; credential?: string } = {
    urls: typeof urls === 'string' ? urls : checked,
  };
  if (username !== undefined) server.username = username;
  if (credential !== undefined) server.credential = credential;
  return server;
}
