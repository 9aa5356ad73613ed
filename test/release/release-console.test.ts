// The console's release pages: the per-channel timeline a plan draws (rollbacks held from the current milestone on), hash routes, and every text in both languages.
import { describe, expect, it } from 'vitest';
import { releaseText, timeline } from '../../console/src/pages/release-text';
import { href, parseRoute } from '../../console/src/router';

describe('release console pages', () => {
  it('draws where the plan stands on each channel, rolled-back channels held', () => {
    const rows = timeline(
      {
        milestones: [
          { name: 'a', channels: { mobile: 5 }, minHoldMinutes: 0 },
          { name: 'b', channels: { mobile: 25, web: 25 }, minHoldMinutes: 0 },
          { name: 'c', channels: { mobile: 100, web: 100 }, minHoldMinutes: 0 },
        ],
        current: 1,
        skipped: [],
        rolledBack: { web: 0 },
      },
      ['mobile', 'web'],
    );
    expect(rows[0].cells.map((c) => [c.percent, c.state])).toEqual([
      [5, 'done'],
      [25, 'current'],
      [100, 'next'],
    ]);
    expect(rows[1].cells.map((c) => [c.percent, c.rolledBack])).toEqual([
      [0, false],
      [0, true],
      [0, true],
    ]);
  });

  it('routes to templates and to a flag’s plan in an environment', () => {
    const route = { page: 'release-plan' as const, name: 'new transfer', env: 'production' };
    expect(parseRoute(href(route))).toEqual(route);
    expect(parseRoute(href({ page: 'release-templates' }))).toEqual({ page: 'release-templates' });
  });

  it('has every text in English and Chinese, with the same placeholders', () => {
    const en = releaseText('en');
    const zh = releaseText('zh-CN');
    expect(en('gateHold', { elapsed: 3, required: 60 })).toBe('Minimum hold: 3 of 60 min');
    expect(zh('gateHold', { elapsed: 3, required: 60 })).toBe('最短停留：已 3 / 60 分钟');
    expect(zh('status.paused')).toBe('已暂停');
  });
});
