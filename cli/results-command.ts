/** `npx omnilab results <experiment>`: the results API, as a table a product owner can read. */

import { formatters, type Language, translator } from '../console/src/i18n';
import {
  channelFitText,
  harmText,
  heterogeneityText,
  projectionText,
  reasonText,
} from '../console/src/results-text';
import { rawEventsMarkOf, rawEventsSentence } from '../shared/experiments/quantile-results';
import type { ExperimentResults, MetricResult, TestKind } from '../shared/experiments/results-types';
import {
  channelRows,
  channelView,
  daysRunning,
  decidingFigure,
  engineOf,
  explainVerdict,
  formatFigure,
  formatP,
  goalComparisons,
  guardrailSummaries,
  harms,
  intervalOf,
  type Projection,
  pLabel,
  projectDecision,
  quoteChance,
  quoteP,
  type ReasonPart,
} from '../shared/presentation/results-presentation';
import type { ApiClient } from './api-client';
import { formatTable } from './format-table';

const pct = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;
const share = (x: number) => `${Number((x * 100).toFixed(1))}%`;
/** The sample-ratio check's p stays in its own precision: it is a health check, not a decision. */
const p = (x: number) => (x < 0.0001 ? '<0.0001' : x.toFixed(4));

function display(metric: MetricResult, mean: number): string {
  if (metric.kind === 'conversion') return `${(mean * 100).toFixed(2)}%`;
  return `${mean.toFixed(3)} ${metric.unit}`;
}

function where(channel: string | null): string {
  return channel === null ? '' : ` on ${channel}`;
}

function testName(test: TestKind): string {
  return test === 'sequential' ? 'sequential test (always-valid p)' : 'fixed-horizon test';
}

/** One sentence of the verdict's explanation, in English. */
export function reasonSentence(part: ReasonPart): string {
  switch (part.code) {
    case 'srm':
      return `Sample ratio mismatch${where(part.channel)} (p ${quoteP(part.p)}): assignment is broken, do not trust these numbers.`;
    case 'primary-missing':
      return 'The primary metric is not in the metric catalogue, so the experiment cannot be judged.';
    case 'no-units':
      return `No units exposed${where(part.channel)} yet.`;
    case 'lift':
      if (part.interval === 'credible') {
        const t = part.threshold ?? 0.95;
        const verdict =
          part.p >= t
            ? `at least ${t}`
            : part.p <= 1 - t
              ? `at most ${Number((1 - t).toFixed(6))}`
              : `short of ${t}`;
        return (
          `${part.variant}: ${part.metric} ${pct(part.lift)}${where(part.channel)} ` +
          `(${share(part.confidence)} credible interval ${pct(part.lower)} to ${pct(part.upper)}, chance to beat control ${quoteChance(part.p)}), ${verdict}.`
        );
      }
      return (
        `${part.variant}: ${part.metric} ${pct(part.lift)}${where(part.channel)} ` +
        `(${share(part.confidence)} CI ${pct(part.lower)} to ${pct(part.upper)}, ${part.label} ${quoteP(part.p)}), ` +
        `${part.significant ? 'significant' : 'not significant'}.`
      );
    case 'not-enough-data':
      return `${part.variant}: not enough data on ${part.metric} yet.`;
    case 'guardrail-harm':
      if (part.chanceOfHarm !== undefined && part.chanceOfHarm !== null)
        return (
          `${part.variant}: ${part.metric} ${part.change >= 0 ? 'rose' : 'fell'} by ${share(Math.abs(part.change))}` +
          `${part.channel === null ? ' on all channels together' : where(part.channel)} ` +
          `(chance of harm beyond its ${share(part.tolerance)} tolerance ${quoteChance(part.chanceOfHarm)}, at least ${part.level}).`
        );
      return (
        `${part.variant}: ${part.metric} ${part.change >= 0 ? 'rose' : 'fell'} by ${share(Math.abs(part.change))}` +
        `${part.channel === null ? ' on all channels together' : where(part.channel)} ` +
        `(always-valid p ${quoteP(part.p)}, below its level ${part.level.toPrecision(2)}), beyond its ${share(part.tolerance)} tolerance.`
      );
    case 'guardrails-clean':
      return part.pending.length > 0
        ? `No guardrail degraded (not enough data yet on ${part.pending.join(', ')}).`
        : `No guardrail degraded${part.acrossChannels ? ', on any channel' : ''}.`;
    case 'decided-by':
      if (part.engine === 'bayesian')
        return (
          `Decided by the Bayesian engine: ship when the chance to beat control is at least ${part.threshold ?? 0.95}` +
          `${part.guardrailLevel === null ? '' : `; a guardrail halts on the sequential test (always-valid p) at ${part.guardrailLevel.toPrecision(2)} each and blocks shipping when its chance of harm reaches ${part.threshold ?? 0.95}`}.`
        );
      return (
        `Decided by the ${testName(part.test)} at alpha ${part.alpha}` +
        `${part.comparisons > 1 ? `, Holm-adjusted over ${part.comparisons} goal comparisons` : ''}` +
        `${part.guardrailLevel === null ? '' : `; guardrails by the sequential test (always-valid p) at ${part.guardrailLevel.toPrecision(2)} each`}.`
      );
  }
}

/** "keep running: about N more days at the rate so far to detect a X% lift". */
export function projectionSentence(x: Projection): string {
  switch (x.kind) {
    case 'days':
      return x.moreDays === 0
        ? `${x.variant}: enough units for a ${share(x.lift)} lift already; the estimate may still move.`
        : `${x.variant}: keep running, about ${x.moreDays} more days at the rate so far (${Math.round(x.dailyPerArm)} units per arm a day) to detect a ${share(x.lift)} lift (power 80%).`;
    case 'too-small':
      return `${x.variant}: the ${share(x.lift)} lift seen so far is too small to confirm within ${x.horizonDays} days at the rate so far; by then a lift of ${share(x.detectable)} or more would be detected (power 80%).`;
    case 'no-traffic':
      return `${x.variant}: no units arrive, so no decision is in sight.`;
  }
}

/** The results document as served: the verdict's reasons come with it as codes with parameters. */
export type ServedResults = ExperimentResults & {
  explanation?: ReasonPart[];
  channelExplanations?: { channel: string; parts: ReasonPart[] }[];
};

/**
 * The channels-first sections: every primary and guardrail metric per channel (harm marked), whether
 * each effect differs by channel, and on which channels to ship, in the language asked for.
 */
export function formatChannels(r: ExperimentResults, lang: Language = 'en'): string[] {
  const t = translator(lang);
  const fmt = formatters(lang);
  const lines: string[] = [];
  const signed = (x: number) => fmt.percent(x, { signed: true });
  const rows = channelRows(r);
  if (rows.length > 0) {
    lines.push('');
    lines.push(`${t('channels.title')}:`);
    lines.push(
      formatTable(
        rows.map((x) => ({
          [t('channels.metric')]: `${x.metricName} (${x.role})`,
          variant: x.variant,
          [t('channels.channel')]: channelLabelOf(lang, x.channel),
          [t('channels.lift')]: x.lift === null ? '-' : signed(x.lift),
          [t('channels.interval')]:
            x.lower === null || x.upper === null ? '-' : `${signed(x.lower)} .. ${signed(x.upper)}`,
          [t('channels.deciding')]: x.figure ? `${x.figure.label} ${formatFigure(x.figure)}` : '-',
          [t('channels.status')]:
            x.tone === 'harm'
              ? t('channels.harm')
              : x.tone === 'better'
                ? t('channels.better')
                : x.tone === 'worse'
                  ? t('channels.worse')
                  : x.tone === 'pending'
                    ? t('channels.pending')
                    : x.role === 'guardrail'
                      ? t('channels.ok')
                      : t('channels.noDifference'),
        })),
      ),
    );
  }
  const analysis = r.channelAnalysis;
  if (analysis && analysis.heterogeneity.length > 0) {
    lines.push('');
    lines.push(`${t('het.title')}`);
    for (const h of analysis.heterogeneity) lines.push(`  ${heterogeneityText(t, fmt, h)}`);
  }
  if (analysis && analysis.fit.channels.length > 0) {
    const names = new Map(r.metrics.map((m) => [m.key, m.name]));
    const fit = channelFitText(t, analysis.fit, names);
    lines.push('');
    lines.push(`${t('fit.title')}: ${fit.headline}`);
    for (const l of fit.lines) lines.push(`  ${l}`);
  }
  return lines;
}

function channelLabelOf(lang: Language, channel: string): string {
  return lang === 'en' ? channel : (translator(lang)(`channel.${channel}` as never) ?? channel);
}

/** The harm banner, the projection and the verdict with its reasons, in Simplified Chinese. */
function formatVerdictIn(r: ServedResults, lang: Language, daysSoFar: number | null): string[] {
  const t = translator(lang);
  const fmt = formatters(lang);
  const lines: string[] = [];
  for (const h of harms(r)) lines.push(`${t('channels.harm')}: ${harmText(t, fmt, h)}`);
  for (const x of projectDecision(r, daysSoFar)) lines.push(projectionText(t, fmt, x));
  lines.push('');
  lines.push(
    `${t('results.verdict')}: ${t(`results.decision.${r.verdict.decision}`, { variant: r.verdict.variant ?? '' })}`,
  );
  for (const part of r.explanation ?? explainVerdict(r)) lines.push(`  ${reasonText(t, fmt, part)}`);
  for (const v of r.channelVerdicts) {
    const served = r.channelExplanations?.find((x) => x.channel === v.channel)?.parts;
    const view = channelView(r, v.channel);
    const parts = (served ?? (view ? explainVerdict(view) : [])).filter((x) => x.code !== 'decided-by');
    lines.push(
      `  ${channelLabelOf(lang, v.channel)}: ${t(`results.decision.${v.decision}`, { variant: v.variant ?? '' })}。${parts.map((x) => reasonText(t, fmt, x)).join('')}`,
    );
  }
  return lines;
}

export function formatResults(
  r: ServedResults,
  options: { daysSoFar?: number | null; lang?: Language } = {},
): string {
  const lang = options.lang ?? 'en';
  const lines: string[] = [];
  lines.push(`Experiment ${r.experiment}${r.channel ? ` (channel ${r.channel})` : ''}: ${r.units} units`);
  const k = goalComparisons(r);
  const bayesian = engineOf(r) === 'bayesian';
  const threshold = r.engine?.chanceThreshold ?? 0.95;
  if (bayesian) {
    lines.push(
      `Decided by: Bayesian engine, ship when the chance to beat control is at least ${threshold} ` +
        `(${share(1 - r.analysis.alpha)} credible intervals, no correction)${r.analysis.cuped ? ', CUPED' : ''}; ` +
        `guardrails: halt on the sequential test (always-valid p) at ${r.analysis.guardrailAlpha.toPrecision(2)} each, ` +
        `block shipping when their chance of harm beyond tolerance reaches ${threshold}. ` +
        'Frequentist p-values are secondary: they do not decide.',
    );
  } else
    lines.push(
      `Decided by: ${testName(r.analysis.test)}, alpha ${r.analysis.alpha}${r.analysis.cuped ? ', CUPED' : ''}` +
        `${k > 1 ? `, Holm correction over ${k} goal comparisons` : ''}; ` +
        `guardrails: sequential test (always-valid p) at ${r.analysis.guardrailAlpha.toPrecision(2)} each. ` +
        'Chance to win (Bayesian) and unadjusted p are secondary: they do not decide.',
    );
  const harmful = harms(r);
  if (harmful.length > 0) {
    lines.push('');
    for (const h of harmful) {
      if (h.chanceOfHarm !== null) {
        lines.push(
          `HARM${h.channel === null ? ' ON ALL CHANNELS' : ` ON ${h.channel.toUpperCase()}`}: ${h.metricName} ` +
            `${pct(h.change)} for ${h.variant}${where(h.channel)} (chance of harm beyond its ${share(h.tolerance)} tolerance ${quoteChance(h.chanceOfHarm)}).`,
        );
        continue;
      }
      lines.push(
        `HARM${h.channel === null ? ' ON ALL CHANNELS' : ` ON ${h.channel.toUpperCase()}`}: ${h.metricName} ` +
          `${pct(h.change)} for ${h.variant}${where(h.channel)} (always-valid p ${quoteP(h.p)}, tolerance ${share(h.tolerance)}).`,
      );
    }
  }
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
      const figure = decidingFigure(r, r, r.channel, m, c);
      if (bayesian) {
        const interval = intervalOf(r, c);
        rows.push({
          metric: `${m.name} (${m.role})`,
          variant: c.variant,
          control: control ? display(m, control.mean) : '-',
          treatment: treated ? display(m, treated.mean) : '-',
          lift: c.error ? c.error : pct(c.relative.estimate),
          'credible interval': c.error ? '-' : `${pct(interval.ciLower)} to ${pct(interval.ciUpper)}`,
          'deciding figure': figure ? `${figure.label} ${formatFigure(figure)}` : '-',
          decides: figure
            ? figure.by === 'guardrail-check'
              ? figure.significant
                ? 'harm'
                : (figure.status ?? '-')
              : figure.significant
                ? c.improved
                  ? 'yes, better'
                  : 'yes, worse'
                : 'no'
            : '-',
          'risk if shipped': c.error ? '-' : share(c.risk.ship),
          'secondary: p (frequentist)': c.error
            ? '-'
            : `${pLabel(c.test, false)} ${formatP(c.relative.pValue)}`,
        });
        continue;
      }
      rows.push({
        metric: `${m.name} (${m.role})`,
        variant: c.variant,
        control: control ? display(m, control.mean) : '-',
        treatment: treated ? display(m, treated.mean) : '-',
        lift: c.error ? c.error : pct(c.relative.estimate),
        interval: c.error ? '-' : `${pct(c.relative.ciLower)} to ${pct(c.relative.ciUpper)}`,
        'deciding p': figure ? `${figure.label} ${formatP(figure.p)}` : '-',
        significant: figure
          ? figure.by === 'guardrail-check'
            ? (figure.status ?? '-')
            : figure.significant
              ? c.improved
                ? 'yes, better'
                : 'yes, worse'
              : 'no'
          : '-',
        'secondary: p (unadjusted)': c.error ? '-' : `${pLabel(c.test, false)} ${formatP(c.relative.pValue)}`,
        'secondary: chance to win': `${(c.chanceToWin * 100).toFixed(0)}%`,
      });
    }
  }
  lines.push('');
  lines.push(rows.length > 0 ? formatTable(rows) : 'No metric results yet.');
  // Metrics computed from the raw events: when they were backfilled, or that they wait for it.
  for (const m of r.metrics) {
    const mark = rawEventsMarkOf(m);
    if (mark) lines.push(rawEventsSentence(m.name, mark, lang));
  }
  const summaries = guardrailSummaries(r);
  if (summaries.length > 0) {
    const guardrailRows: Record<string, string | number>[] = [];
    const perChannel = r.breakdown.flatMap((b) => b.guardrails);
    for (const s of summaries) {
      const g = s.check;
      guardrailRows.push({
        guardrail: s.metricName,
        variant: g.variant,
        channel: g.channel ?? 'all',
        status: g.status,
        channels:
          s.degradedOn.length > 0
            ? `DEGRADED on ${s.degradedOn.join(', ')}`
            : perChannel.length > 0
              ? `no channel degraded${s.pendingOn.length > 0 ? ` (not enough data on ${s.pendingOn.join(', ')})` : ''}`
              : '-',
        change: g.status === 'insufficient-data' ? '-' : pct(g.evidence.relativeChange),
        'always-valid p': g.status === 'insufficient-data' ? '-' : formatP(g.evidence.pValue),
        tolerance: share(g.evidence.tolerance),
      });
      // A row per channel where the guardrail degraded, so the harm is on screen by default.
      for (const c of perChannel.filter(
        (x) => x.metric === g.metric && x.variant === g.variant && x.status === 'degraded',
      )) {
        guardrailRows.push({
          guardrail: s.metricName,
          variant: c.variant,
          channel: c.channel ?? 'all',
          status: c.status,
          channels: '-',
          change: pct(c.evidence.relativeChange),
          'always-valid p': formatP(c.evidence.pValue),
          tolerance: share(c.evidence.tolerance),
        });
      }
    }
    lines.push('');
    lines.push(formatTable(guardrailRows));
  }
  lines.push(...formatChannels(r, lang));
  if (lang !== 'en') {
    lines.push(...formatVerdictIn(r, lang, options.daysSoFar ?? null));
    return lines.join('\n');
  }
  const projections = projectDecision(r, options.daysSoFar ?? null);
  if (projections.length > 0) {
    lines.push('');
    for (const x of projections) lines.push(projectionSentence(x));
  }
  lines.push('');
  lines.push(
    `Verdict: ${r.verdict.decision.toUpperCase()}${r.verdict.variant ? ` ${r.verdict.variant}` : ''}.`,
  );
  for (const part of r.explanation ?? explainVerdict(r)) lines.push(`  ${reasonSentence(part)}`);
  for (const v of r.channelVerdicts) {
    const served = r.channelExplanations?.find((x) => x.channel === v.channel)?.parts;
    const view = channelView(r, v.channel);
    const parts = (served ?? (view ? explainVerdict(view) : [])).filter((x) => x.code !== 'decided-by');
    const text = parts.length > 0 ? parts.map(reasonSentence).join(' ') : v.reason;
    lines.push(`  ${v.channel}: ${v.decision}${v.variant ? ` ${v.variant}` : ''}. ${text}`);
  }
  return lines.join('\n');
}

export async function runResults(
  api: ApiClient,
  experiment: string | undefined,
  options: { channel?: string; json: boolean; lang?: Language },
  out: NodeJS.WritableStream,
  err: NodeJS.WritableStream,
): Promise<number> {
  if (!experiment) {
    err.write('Name the experiment: npx omnilab results <experiment>\n');
    return 1;
  }
  const query = options.channel ? `?channel=${encodeURIComponent(options.channel)}` : '';
  const results = await api.get<ServedResults>(
    `/api/admin/experiments/${encodeURIComponent(experiment)}/results${query}`,
  );
  if (options.json) {
    out.write(`${JSON.stringify(results, null, 2)}\n`);
    return 0;
  }
  // The start date sizes "keep running" in days; without it the estimate is left out.
  const experimentDoc = await api
    .get<{ startedAt?: string | null }>(`/api/admin/experiments/${encodeURIComponent(experiment)}`)
    .catch(() => null);
  out.write(
    `${formatResults(results, { daysSoFar: daysRunning(experimentDoc?.startedAt, Date.now()), lang: options.lang ?? 'en' })}\n`,
  );
  return 0;
}
