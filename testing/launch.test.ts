import { describe, expect, it } from 'vitest';
import { missingCommand } from './launch.ts';

describe('missingCommand', () => {
  it('names the command a browser refused as unknown during launch', () => {
    const launch = new Error('browserType.launch: Protocol error (network.addDataCollector): unknown command\nCall log: ...');
    expect(missingCommand(launch)).toBe('network.addDataCollector');
  });

  it('is undefined for any other launch failure, which must still fail the test', () => {
    expect(missingCommand(new Error('browserType.launch: Executable doesn\'t exist at /x/firefox'))).toBeUndefined();
    expect(missingCommand(new Error('Protocol error (session.new): session not created'))).toBeUndefined();
    expect(missingCommand('unknown command')).toBeUndefined();
  });
});
