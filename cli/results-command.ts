/** `npx omnilab results <experiment>`: the results API, as a table a product owner can read. */

import type { ExperimentResults, MetricResult } from '../shared/experiments/results-types';
import type { ApiClient } from './api-client';
import { formatTable } from './format-table';

const pct = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;
const p = (x: number) => (x < 0.0001 ? '<0.0001' : x.toFixed(4));

function display(metric: MetricResult, mean: number): string {
  if (metric.kind === 'conversion') return `${(mean * 100).toFixed(2)}%`;
  return `${mean.toFixed(3)} ${metric.unit}`;
}

export function formatResults(r: ExperimentResults): string {
  const lines: string[] = [];
  lines.push(`Experiment ${r.experiment}${r.channel ? ` (channel ${r.channel})` : ''}: ${r.units} units`);
  lines.push(
    `Test: ${r.analysis.test}, alpha ${r.analysis.alpha}${r.analysis.cuped ? ', CUPED' : ''}, Holm correction over goal metrics`,
  );
  lines.push('');
  lines.push(
    formatTable(
      r.variants.map((v) => ({
        variant: v.name,
        units: v.units,
        share: `${(v.share * 100).toFixed(1)}%`,
        expected: `${(v.expectedShare * 100).toFixed(1)}%`,
      })),
    ),
  );
  lines.push(
    r.srm.detected
      ? `SAMPLE RATIO MISMATCH (p = ${p(r.srm.pValue)}): assignment is broken, do not trust these numbers.`
      : `Sample ratio check: ok (p = ${p(r.srm.pValue)})`,
  );
  const mismatch = r.health?.assignmentMismatch;
  if (mismatch && mismatch.total > 0) {
    lines.push(
      `Refused exposures (variant not the one the platform assigns): ${mismatch.total} (${mismatch.channels.map((c) => `${c.channel} ${c.exposures}`).join(', ')})`,
    );
  }
  const rows: Record<string, string | number>[] = [];
  for (const m of r.metrics) {
    const control = m.variants[0];
    for (const c of m.comparisons) {
      const treated = m.variants.find((v) => v.variant === c.variant);
      rows.push({
        metric: `${m.name} (${m.role})`,
        variant: c.variant,
        control: control ? display(m, control.mean) : '-',
        treatment: treated ? display(m, treated.mean) : '-',
        lift: c.error ? c.error : pct(c.relative.estimate),
        interval: c.error ? '-' : `${pct(c.relative.ciLower)} to ${pct(c.relative.ciUpper)}`,
        'p-value': c.error ? '-' : p(c.relative.pValue),
        adjusted: c.adjustedPValue ? p(c.adjustedPValue.holm) : '-',
        'chance to win': `${(c.chanceToWin * 100).toFixed(0)}%`,
        significant: c.significant ? (c.improved ? 'yes, better' : 'yes, worse') : 'no',
      });
    }
  }
  lines.push('');
  lines.push(rows.length > 0 ? formatTable(rows) : 'No metric results yet.');
  if (r.guardrails.length > 0) {
    lines.push('');
    lines.push(
      formatTable(
        r.guardrails.map((g) => ({
          guardrail: g.metric,
          variant: g.variant,
          channel: g.channel ?? 'all',
          status: g.status,
          harm: pct(g.evidence.harm),
          tolerance: pct(g.evidence.tolerance),
        })),
      ),
    );
  }
  lines.push('');
  lines.push(`Verdict: ${r.verdict.decision.toUpperCase()}. ${r.verdict.reason}`);
  for (const v of r.channelVerdicts) lines.push(`  ${v.channel}: ${v.decision}. ${v.reason}`);
  return lines.join('\n');
}

export async function runResults(
  api: ApiClient,
  experiment: string | undefined,
  options: { channel?: string; json: boolean },
  out: NodeJS.WritableStream,
  err: NodeJS.WritableStream,
): Promise<number> {
  if (!experiment) {
    err.write('Name the experiment: npx omnilab results <experiment>\n');
    return 1;
  }
  const query = options.channel ? `?channel=${encodeURIComponent(options.channel)}` : '';
  const results = await api.get<ExperimentResults>(
    `/api/admin/experiments/${encodeURIComponent(experiment)}/results${query}`,
  );
  out.write(options.json ? `${JSON.stringify(results, null, 2)}\n` : `${formatResults(results)}\n`);
  return 0;
}
