import { describe, expect, it } from 'vitest';
import { discover, MISSING_CHROMIUM, type DiscoveryEnv, type Engine } from './browsers.ts';

function world(executables: string[], env: Record<string, string> = {}, own: Partial<Record<Engine, string>> = {}): DiscoveryEnv {
  return { env, platform: 'linux', isExecutable: (p) => executables.includes(p), playwrightPath: (e) => own[e] };
}

describe('browser discovery', () => {
  it('prefers $TABMESH_CHROMIUM, then the configured path, then Playwright, then the system', () => {
    const all = world(['/opt/mine', '/cfg/chrome', '/pw/chrome', '/usr/bin/chromium'], { TABMESH_CHROMIUM: '/opt/mine' }, { chromium: '/pw/chrome' });
    expect(discover('chromium', all, '/cfg/chrome')).toEqual({ choice: { engine: 'chromium', executablePath: '/opt/mine', source: '$TABMESH_CHROMIUM' } });
    const noEnv = { ...all, env: {} };
    expect(discover('chromium', noEnv, '/cfg/chrome')).toMatchObject({ choice: { executablePath: '/cfg/chrome', source: 'launchOptions.executablePath' } });
    expect(discover('chromium', noEnv)).toMatchObject({ choice: { executablePath: '/pw/chrome', source: "Playwright's own build" } });
    expect(discover('chromium', world(['/usr/bin/google-chrome'], {}, { chromium: '/pw/missing' }))).toMatchObject({ choice: { executablePath: '/usr/bin/google-chrome', source: 'system' } });
  });

  it('refuses an explicit path that is not executable instead of falling through', () => {
    const d = discover('chromium', world(['/usr/bin/chromium'], { TABMESH_CHROMIUM: '/nope' }));
    expect(d).toEqual({ missing: '$TABMESH_CHROMIUM is /nope, which is not an executable file.' });
  });

  it('says in one sentence how to get a Chromium when there is none', () => {
    expect(discover('chromium', world([]))).toEqual({ missing: MISSING_CHROMIUM });
    expect(MISSING_CHROMIUM.split('. ')).toHaveLength(1);
  });

  it('drives a stock Firefox over BiDi (moz-firefox) and Playwright\'s own Firefox over its own protocol', () => {
    expect(discover('firefox', world(['/usr/bin/firefox-esr', '/usr/bin/firefox']))).toEqual({
      choice: { engine: 'firefox', executablePath: '/usr/bin/firefox-esr', source: 'system', channel: 'moz-firefox' },
    });
    expect(discover('firefox', world(['/pw/ff', '/usr/bin/firefox-esr'], {}, { firefox: '/pw/ff' }))).toEqual({
      choice: { engine: 'firefox', executablePath: '/pw/ff', source: "Playwright's own build" },
    });
    expect(discover('firefox', world(['/x/ff'], { TABMESH_FIREFOX: '/x/ff' }))).toMatchObject({ choice: { channel: 'moz-firefox', source: '$TABMESH_FIREFOX' } });
  });

  it('finds WebKit only as Playwright\'s build', () => {
    expect(discover('webkit', world(['/usr/bin/chromium']))).toMatchObject({ missing: expect.stringMatching(/^No WebKit found/) });
    expect(discover('webkit', world(['/pw/wk'], {}, { webkit: '/pw/wk' }))).toMatchObject({ choice: { engine: 'webkit', executablePath: '/pw/wk' } });
  });
});
