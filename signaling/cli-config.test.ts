import type { NetworkInterfaceInfo } from 'node:os';
import { describe, expect, it } from 'vitest';
import { lanUrls, parseCliArgs, teachUrl } from './cli-config.ts';

describe('parseCliArgs', () => {
  it('defaults to every interface on port 8080 with no ICE servers', () => {
    expect(parseCliArgs([], {})).toStrictEqual({ host: '0.0.0.0', port: 8080, iceServers: [], instructorKey: undefined, help: false });
  });

  it('takes flags over the environment, in both --flag value and --flag=value forms', () => {
    const env = { HOST: '10.0.0.1', PORT: '9000', ICE_SERVERS: '[{"urls":"stun:env.example:3478"}]', INSTRUCTOR_KEY: 'env-key-123' };
    expect(parseCliArgs([], env)).toStrictEqual({
      host: '10.0.0.1',
      port: 9000,
      iceServers: [{ urls: 'stun:env.example:3478' }],
      instructorKey: 'env-key-123',
      help: false,
    });
    const ice = '[{"urls":["turn:t.example"],"username":"u","credential":"c"}]';
    const argv = ['--host', '127.0.0.1', '--port=0', '--ice', ice, '--instructor-key', 'Flag=key!~'];
    expect(parseCliArgs(argv, env)).toStrictEqual({
      host: '127.0.0.1',
      port: 0,
      iceServers: [{ urls: ['turn:t.example'], username: 'u', credential: 'c' }],
      instructorKey: 'Flag=key!~',
      help: false,
    });
    expect(parseCliArgs(['--instructor-key=a=b=c=d=e'], {}).instructorKey).toBe('a=b=c=d=e');
    expect(parseCliArgs(['--help'], {}).help).toBe(true);
  });

  it('explains what is wrong', () => {
    const cases: [string[], Record<string, string>, RegExp][] = [
      [['--port', 'http'], {}, /port must be an integer from 0 to 65535, got "http"/],
      [[], { PORT: '70000' }, /got "70000"/],
      [['--port'], {}, /--port needs a value/],
      [['--verbose'], {}, /unknown argument "--verbose"/],
      [['--host='], {}, /host must not be empty/],
      [['--ice', '{"urls":"stun:x"}'], {}, /bad ICE servers .*must be a JSON array/],
      [[], { ICE_SERVERS: '[{"urls":"stun:x"' }, /bad ICE servers .*not valid JSON/],
      [['--ice', '[{"urls":"https://x"}]'], {}, /ICE server #0: "https:\/\/x" is not a stun:/],
      [['--ice', '[{"urls":"stun:x","password":"p"}]'], {}, /unexpected field "password"/],
      [['--ice', '[{"urls":[]}]'], {}, /non-empty array/],
      [['--instructor-key'], {}, /--instructor-key needs a value/],
      [['--instructor-key', 'short'], {}, /instructor key .* must be 8-128 visible ASCII characters without spaces; the one given has 5 characters/],
      [['--instructor-key=has a space'], {}, /instructor key/],
      [[], { INSTRUCTOR_KEY: '' }, /instructor key .* has 0 characters/],
      [[], { INSTRUCTOR_KEY: 'k'.repeat(129) }, /instructor key/],
      [[], { INSTRUCTOR_KEY: 'clé-secrète' }, /instructor key/],
    ];
    for (const [argv, env, message] of cases) expect(() => parseCliArgs(argv, env), argv.join(' ')).toThrow(message);
  });

  it('never echoes a rejected instructor key', () => {
    expect(() => parseCliArgs(['--instructor-key', 'my secret'], {})).toThrow(expect.objectContaining({ message: expect.not.stringContaining('secret') }));
  });
});

describe('teachUrl', () => {
  it('points at the instructor view of a room', () => {
    expect(teachUrl('http://192.168.1.20:8080/', 'main')).toBe('http://192.168.1.20:8080/teach?room=main');
    expect(teachUrl('http://localhost:8080/', 'lab-1.a_b')).toBe('http://localhost:8080/teach?room=lab-1.a_b');
  });
});

describe('lanUrls', () => {
  it('lists external IPv4 addresses only', () => {
    const v4 = (address: string, internal: boolean): NetworkInterfaceInfo => ({ address, family: 'IPv4', internal, netmask: '', mac: '', cidr: null });
    const v6 = (address: string, internal: boolean): NetworkInterfaceInfo => ({ ...v4(address, internal), family: 'IPv6', scopeid: 0 });
    const urls = lanUrls(8080, {
      lo: [v4('127.0.0.1', true), v6('::1', true)],
      eth0: [v4('192.168.1.20', false), v6('fe80::1', false)],
      wlan0: [v4('10.0.0.5', false)],
      down: undefined,
    });
    expect(urls).toEqual(['http://192.168.1.20:8080/', 'http://10.0.0.5:8080/']);
  });
});
