/** The lift table: one row per metric and variant, the deciding figure first. */

import { useState } from 'preact/hooks';
import {
  decidingFigure,
  formatFigure,
  formatP,
  intervalOf,
} from '../../../shared/presentation/results-presentation';
import { useApp } from '../app-context';
import type { MessageKey } from '../i18n';
import { pLabelText } from '../results-text';
import type { ExperimentResults } from '../types';
import { RawEventsNoteText, rawEventsOf } from './backfill-panel';
/**
 * One row per metric and variant: the deciding test's figure first (labelled), the others
 * (unadjusted p, the Bayesian chance to win) behind a toggle, marked secondary.
 */
export function LiftTable({ results }: { results: ExperimentResults }) {
  const { t, fmt } = useApp();
  const [secondary, setSecondary] = useState(false);
  return (
    <>
      <label class="secondary-toggle">
        <input
          type="checkbox"
          checked={secondary}
          onChange={(ev) => setSecondary(ev.currentTarget.checked)}
        />{' '}
        {t('results.secondaryToggle')}
      </label>
      <div class="table-wrap">
        <table class="data lift-table">
          <caption>{t('results.table')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('results.metric')}</th>
              <th scope="col">{t('results.role')}</th>
              <th scope="col">{t('results.variant')}</th>
              <th scope="col" class="num">
                {t('results.mean')}
              </th>
              <th scope="col" class="num">
                {t('results.lift')}
              </th>
              <th scope="col" class="num">
                {t('results.interval')}
              </th>
              <th scope="col" class="num">
                {t('results.decidingP')}
              </th>
              <th scope="col">{t('results.decision')}</th>
              {secondary && (
                <th scope="col" class="num secondary">
                  {t('results.secondaryP')}
                </th>
              )}
              {secondary && (
                <th scope="col" class="num secondary">
                  {t('results.secondaryChance')}
                </th>
              )}
            </tr>
          </thead>
          <tbody>
            {results.metrics.flatMap((m) =>
              m.variants.map((v, i) => {
                const c = m.comparisons.find((x) => x.variant === v.variant);
                const ok = c && c.error === null;
                const figure = c ? decidingFigure(results, results, results.channel, m, c) : null;
                // A guardrail row shows its check's always-valid interval and tone, as its p.
                const check =
                  m.role === 'guardrail' && c
                    ? results.guardrails.find(
                        (g) =>
                          g.metric === m.key && g.variant === c.variant && g.status !== 'insufficient-data',
                      )
                    : undefined;
                const tone = check
                  ? check.status === 'degraded' || (figure?.kind === 'chance' && figure.significant)
                    ? 'worse'
                    : 'neutral'
                  : c?.significant
                    ? c.improved
                      ? 'better'
                      : 'worse'
                    : 'neutral';
                const lower = check ? check.evidence.ciLower : c ? intervalOf(results, c).ciLower : undefined;
                const upper = check ? check.evidence.ciUpper : c ? intervalOf(results, c).ciUpper : undefined;
                const decides = !c
                  ? '—'
                  : !figure
                    ? t('results.guardrail.insufficient-data')
                    : figure.by === 'guardrail-check' && figure.status
                      ? t(`results.guardrail.${figure.status}` as MessageKey)
                      : figure.significant
                        ? c.improved
                          ? t('results.better')
                          : t('results.worse')
                        : t('results.no');
                return (
                  <tr key={`${m.key}-${v.variant}`} data-metric={m.key} data-variant={v.variant}>
                    {i === 0 && (
                      <th scope="rowgroup" rowSpan={m.variants.length}>
                        {m.name}
                        <div class="muted">{m.unit}</div>
                        <RawEventsNoteText metric={m} />
                      </th>
                    )}
                    {i === 0 && (
                      <td rowSpan={m.variants.length}>{t(`results.role.${m.role}` as MessageKey)}</td>
                    )}
                    <td>{v.variant}</td>
                    <td class="num variant-mean">
                      {rawEventsOf(m)?.status === 'not-backfilled'
                        ? '—'
                        : m.kind === 'conversion'
                          ? fmt.percent(v.mean)
                          : fmt.number(Number(v.mean.toFixed(3)))}
                    </td>
                    <td class={`num lift ${c ? `tone-${tone}` : ''}`}>
                      {ok
                        ? fmt.percent(c.relative.estimate, { signed: true })
                        : c?.error === 'NOT_BACKFILLED'
                          ? t('lake.runBackfill')
                          : c
                            ? c.error
                            : '—'}
                    </td>
                    <td class="num">
                      {ok && lower !== undefined && upper !== undefined
                        ? `[${fmt.percent(lower, { signed: true })}, ${fmt.percent(upper, { signed: true })}]`
                        : '—'}
                    </td>
                    <td class="num deciding-p">
                      {figure ? `${pLabelText(t, figure.label)} ${formatFigure(figure)}` : '—'}
                    </td>
                    <td class="decides">{decides}</td>
                    {secondary && (
                      <td class="num secondary">
                        {ok
                          ? `${pLabelText(t, c.test === 'sequential' ? 'always-valid p' : 'p')} ${formatP(c.relative.pValue)}`
                          : '—'}
                      </td>
                    )}
                    {secondary && (
                      <td class="num secondary">{c ? fmt.percent(c.chanceToWin, { digits: 0 }) : '—'}</td>
                    )}
                  </tr>
                );
              }),
            )}
          </tbody>
        </table>
      </div>
    </>
  );
}
