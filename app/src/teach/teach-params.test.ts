import { describe, expect, it } from 'vitest';
import { parseTeachParams, withoutKey } from './teach-params.ts';

describe('teach params', () => {
  it('read the room (default main) and an optional key', () => {
    expect(parseTeachParams('')).toEqual({ room: 'main', key: null });
    expect(parseTeachParams('?room=lab-2&key=s3cret-key')).toEqual({ room: 'lab-2', key: 's3cret-key' });
    expect(parseTeachParams('?room=lab&key=')).toEqual({ room: 'lab', key: null });
  });

  it('refuse a room the server would refuse', () => {
    expect(() => parseTeachParams('?room=a%20b')).toThrow('?room must be 1-64 characters');
  });

  it('drop the key from the address', () => {
    expect(withoutKey('?room=lab&key=x')).toBe('?room=lab');
    expect(withoutKey('?key=x')).toBe('');
  });
});
