// The per-channel CSV: every primary and guardrail metric on every channel, the harm on one channel as its own row, and the channel's advice.
import { describe, expect, it } from 'vitest';
import { channelsCsv } from '../../console/src/results-view';
import { buildResults } from '../../shared/experiments/results';
import { catalogue, experiment, simulate } from '../results/fixtures';

describe('per-channel CSV', () => {
  it('has a row per primary and guardrail metric and channel, harm and advice included', () => {
    const e = experiment();
    const s = simulate(7, {
      experiment: e,
      units: 30_000,
      effects: [
        { variant: 'banner', metric: 'loan_application_submitted', relativeLift: 0.15 },
        { variant: 'banner', metric: 'complaint_filed', relativeLift: 0.4, channel: 'branch' },
      ],
    });
    const lines = channelsCsv(buildResults({ experiment: e, catalogue, cells: s.cells }))
      .trimEnd()
      .split('\r\n');
    expect(lines[0]).toBe(
      'channel,metric,metric_name,role,variant,relative_lift,relative_ci_lower,relative_ci_upper,deciding_label,deciding_p,status,channel_advice,channel_advice_reason',
    );
    // Primary and two guardrails, on three channels, for one treatment.
    expect(lines).toHaveLength(1 + 3 * 3);
    const branch = lines.find((l) => l.startsWith('branch,complaint_filed,'));
    expect(branch).toMatch(/,always-valid p,[0-9.e-]+,harm,hold,guardrail-harm$/);
    expect(lines.find((l) => l.startsWith('web,complaint_filed,'))).toMatch(/,ok|,none/);
    expect(lines.filter((l) => l.endsWith(',ship,consistent-win'))).toHaveLength(2 * 3);
  });
});
