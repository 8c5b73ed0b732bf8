import type { NetworkInterfaceInfo } from 'node:os';
import { parseIceServersJson, type IceServer } from './ice-servers.ts';
import { INSTRUCTOR_KEY_PATTERN } from './options.ts';

/** Command-line and environment configuration of `npm start`, parsed without side effects. */
export interface CliConfig {
  readonly host: string;
  readonly port: number;
  readonly iceServers: readonly IceServer[];
  /** Undefined when none was given: the CLI then makes up a random one and prints it. */
  readonly instructorKey: string | undefined;
  readonly help: boolean;
}

export const USAGE = `Usage: npm start -- [options]

Serves the tabmesh app and its signaling WebSocket (/signal) on one port.

Options:
  --host <address>   interface to bind (env HOST, default 0.0.0.0: every interface)
  --port <number>    TCP port (env PORT, default 8080; 0 picks a free one)
  --ice <json>       ICE servers for the tabs, a JSON array such as
                     '[{"urls":"stun:stun.example.org:3478"}]' (env ICE_SERVERS, default none)
  --instructor-key <key>
                     key of the instructor view /teach?room=NAME, 8-128 visible ASCII
                     characters without spaces (env INSTRUCTOR_KEY, default: a random one,
                     printed at start)
  --help             show this help`;

const VALUE_FLAGS = ['--host', '--port', '--ice', '--instructor-key'] as const;
type ValueFlag = (typeof VALUE_FLAGS)[number];

/** Flags win over the environment; throws an Error whose message says what to fix. */
export function parseCliArgs(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): CliConfig {
  const values = new Map<ValueFlag, string>();
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--help' || arg === '-h') {
      help = true;
      continue;
    }
    const eq = arg.indexOf('=');
    const flag = VALUE_FLAGS.find((f) => f === (eq === -1 ? arg : arg.slice(0, eq)));
    if (flag === undefined) throw new Error(`unknown argument "${arg}"`);
    const value = eq === -1 ? argv[++i] : arg.slice(eq + 1);
    if (value === undefined) throw new Error(`${flag} needs a value`);
    values.set(flag, value);
  }
  const host = values.get('--host') ?? env.HOST ?? '0.0.0.0';
  if (host.trim() === '') throw new Error('the host must not be empty');
  const portText = values.get('--port') ?? env.PORT ?? '8080';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535) throw new Error(`port must be an integer from 0 to 65535, got "${portText}"`);
  const iceText = values.get('--ice') ?? env.ICE_SERVERS;
  let iceServers: readonly IceServer[] = [];
  if (iceText !== undefined && iceText.trim() !== '') {
    try {
      iceServers = parseIceServersJson(iceText);
    } catch (error) {
      throw new Error(`bad ICE servers (--ice or ICE_SERVERS): ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  const instructorKey = values.get('--instructor-key') ?? env.INSTRUCTOR_KEY;
  if (instructorKey !== undefined && !INSTRUCTOR_KEY_PATTERN.test(instructorKey)) {
    // The key itself is not echoed: the terminal may be on the classroom projector.
    throw new Error(
      `the instructor key (--instructor-key or INSTRUCTOR_KEY) must be 8-128 visible ASCII characters without spaces; ` +
        `the one given has ${instructorKey.length} characters`,
    );
  }
  return { host, port, iceServers, instructorKey, help };
}

/** One http URL per non-internal IPv4 address: what students on the same network can open. */
export function lanUrls(port: number, interfaces: NodeJS.Dict<NetworkInterfaceInfo[]>): string[] {
  return Object.values(interfaces)
    .flatMap((infos) => infos ?? [])
    .filter((info) => info.family === 'IPv4' && !info.internal)
    .map((info) => `http://${info.address}:${port}/`);
}

/** The instructor view of `room` on the server at `baseUrl` (which ends in a slash). */
export function teachUrl(baseUrl: string, room: string): string {
  return `${baseUrl}teach?room=${encodeURIComponent(room)}`;
}
