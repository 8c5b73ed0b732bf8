import type { NetworkInterfaceInfo } from 'node:os';
import { describe, expect, it } from 'vitest';
import { lanUrls, parseCliArgs } from './cli-config.ts';

describe('parseCliArgs', () => {
  it('defaults to every interface on port 8080 with no ICE servers', () => {
    expect(parseCliArgs([], {})).toEqual({ host: '0.0.0.0', port: 8080, iceServers: [], help: false });
  });

  it('takes flags over the environment, in both --flag value and --flag=value forms', () => {
    const env = { HOST: '10.0.0.1', PORT: '9000', ICE_SERVERS: '[{"urls":"stun:env.example:3478"}]' };
    expect(parseCliArgs([], env)).toEqual({ host: '10.0.0.1', port: 9000, iceServers: [{ urls: 'stun:env.example:3478' }], help: false });
    const argv = ['--host', '127.0.0.1', '--port=0', '--ice', '[{"urls":["turn:t.example"],"username":"u","credential":"c"}]'];
    expect(parseCliArgs(argv, env)).toEqual({
      host: '127.0.0.1',
      port: 0,
      iceServers: [{ urls: ['turn:t.example'], username: 'u', credential: 'c' }],
      help: false,
    });
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
    ];
    for (const [argv, env, message] of cases) expect(() => parseCliArgs(argv, env), argv.join(' ')).toThrow(message);
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
