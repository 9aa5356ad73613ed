/**
 * `npx omnilab plan --daily-units N [--days D]`: beside the diff, what each experiment in
 * experiments/ can detect: the minimum detectable effect of its primary metric for the traffic and
 * duration expected, from the API's planning figure (the metric's historical variance when an
 * earlier experiment measured it).
 */
import { formatters, type Language, type MessageKey, translator } from '../console/src/i18n';
import type { ApiClient } from './api-client';
import type { AsCode } from './as-code';

export interface PowerAnswer {
  metric: string;
  source: { kind: 'history'; experiment: string; units: number } | { kind: 'given' };
  dailyUnits: number;
  days: number;
  test: 'fixed-horizon' | 'sequential';
  perArm: number;
  mde: number | null;
  power: number;
}

/** One experiment's planning sentences in the language asked for. */
export function powerLines(
  experiment: string,
  metricName: string,
  answer: PowerAnswer,
  lang: Language = 'en',
): string[] {
  const t = translator(lang);
  const fmt = formatters(lang);
  const head =
    answer.mde === null
      ? t('power.none', { metric: metricName })
      : t('power.mde', {
          daily: fmt.number(answer.dailyUnits),
          days: fmt.number(answer.days),
          perArm: fmt.number(answer.perArm),
          test: t(`results.test.${answer.test}` as MessageKey),
          mde: fmt.percent(answer.mde),
          metric: metricName,
          power: fmt.percent(answer.power, { digits: 0 }),
        });
  const source =
    answer.source.kind === 'history'
      ? t('power.source.history', {
          experiment: answer.source.experiment,
          units: fmt.number(answer.source.units),
        })
      : t('power.source.given');
  return [`${experiment}: ${head}`, `  ${source}`];
}

export async function planPower(
  api: ApiClient,
  desired: AsCode,
  options: { dailyUnits: number; days: number; lang?: Language },
): Promise<string[]> {
  const lines: string[] = [];
  const t = translator(options.lang ?? 'en');
  lines.push(`${t('power.title')}:`);
  for (const e of desired.experiments) {
    const metric = desired.metrics.find((m) => m.key === e.primaryMetric);
    const variants = e.variants.length;
    const query = new URLSearchParams({
      dailyUnits: String((options.dailyUnits * (e.trafficPercent ?? 100)) / 100),
      days: String(options.days),
      variants: String(Math.max(2, variants)),
      alpha: String(e.analysis?.alpha ?? 0.05),
      sequential: String(e.analysis?.sequential ?? false),
    });
    try {
      const answer = await api.get<PowerAnswer>(
        `/api/admin/metrics/${encodeURIComponent(e.primaryMetric)}/power?${query}`,
      );
      lines.push(...powerLines(e.key, metric?.name ?? e.primaryMetric, answer, options.lang));
    } catch (err) {
      lines.push(`${e.key}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return lines;
}
