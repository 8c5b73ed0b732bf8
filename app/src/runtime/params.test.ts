import { describe, expect, it } from 'vitest';
import { DEFAULT_PARAMS, parseParams, siblingSearch } from './params.ts';

describe('parseParams', () => {
  it('defaults to room main, a generated name, degree 8 and the core detector timings', () => {
    expect(parseParams('')).toEqual(DEFAULT_PARAMS);
    expect(DEFAULT_PARAMS).toMatchObject({ room: 'main', name: null, degree: 8, heartbeatMs: 500, suspectMs: 2500, deadMs: 6000, ui: 'full' });
  });

  it('reads every parameter', () => {
    expect(parseParams('?room=lab-1&name=Ada%20L&degree=3&heartbeatMs=100&suspectMs=400&deadMs=900&ui=none')).toEqual({
      room: 'lab-1',
      name: 'Ada L',
      degree: 3,
      heartbeatMs: 100,
      suspectMs: 400,
      deadMs: 900,
      ui: 'none',
    });
  });

  it.each([
    ['?room=a/b', /\?room must be/],
    ['?room=', /\?room must be/],
    ['?name=%20%20', /\?name must be/],
    ['?name=' + 'x'.repeat(65), /\?name must be/],
    ['?degree=0', /\?degree must be an integer from 1 to 64/],
    ['?degree=2.5', /\?degree must be an integer/],
    ['?degree=', /\?degree must be an integer/],
    ['?heartbeatMs=abc', /\?heartbeatMs must be an integer/],
    ['?suspectMs=400', /\?suspectMs \(400\) must exceed \?heartbeatMs \(500\)/],
    ['?suspectMs=7000', /\?deadMs \(6000\) must exceed \?suspectMs \(7000\)/],
    ['?ui=off', /\?ui must be one of full, none, got "off"/],
    ['?ui=', /\?ui must be one of full, none/],
  ])('refuses %s with a RangeError naming the parameter', (search, message) => {
    expect(() => parseParams(search)).toThrow(RangeError);
    expect(() => parseParams(search)).toThrow(message);
  });
});

describe('siblingSearch', () => {
  it('keeps the room and settings but not the name, so the new tab is a new person', () => {
    expect(siblingSearch('?room=lab&name=Ada&degree=3')).toBe('?room=lab&degree=3');
    expect(siblingSearch('?name=Ada')).toBe('');
  });
});
