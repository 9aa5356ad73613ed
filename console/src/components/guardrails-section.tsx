/**
 * The results page's guardrail checks: each guardrail overall with the channels it degrades on, then a
 * row per degraded channel.
 */

import { formatP, guardrailSummaries } from '../../../shared/presentation/results-presentation';
import { useApp } from '../app-context';
import { channelLabel, type MessageKey } from '../i18n';
import type { ExperimentResults } from '../types';

/** Each guardrail overall with what the channels say beside it, and a row per degraded channel. */
export function GuardrailsSection({ results }: { results: ExperimentResults }) {
  const { t, fmt } = useApp();
  const summaries = guardrailSummaries(results);
  const perChannel = results.breakdown.flatMap((b) => b.guardrails);
  const rows = summaries.flatMap((s) => [
    { check: s.check, name: s.metricName, summary: s },
    ...perChannel
      .filter((g) => g.metric === s.check.metric && g.variant === s.check.variant && g.status === 'degraded')
      .map((g) => ({ check: g, name: s.metricName, summary: null })),
  ]);
  return (
    <>
      <h3>{t('results.guardrailChecks')}</h3>
      {rows.length === 0 ? (
        <p>{t('results.noGuardrails')}</p>
      ) : (
        <div class="table-wrap">
          <table class="data guardrail-table">
            <thead>
              <tr>
                <th scope="col">{t('results.metric')}</th>
                <th scope="col">{t('results.variant')}</th>
                <th scope="col">{t('results.channel')}</th>
                <th scope="col">{t('experiments.status')}</th>
                <th scope="col">{t('results.onChannels')}</th>
                <th scope="col" class="num">
                  {t('results.harm')}
                </th>
                <th scope="col" class="num">
                  {t('results.interval')}
                </th>
                <th scope="col" class="num">
                  {t('results.guardrailP')}
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map(({ check: g, name, summary }) => (
                <tr key={`${g.metric}-${g.variant}-${g.channel}`} data-channel={g.channel ?? 'all'}>
                  <td>
                    {name} <code>{g.metric}</code>
                  </td>
                  <td>{g.variant}</td>
                  <td>{g.channel ? channelLabel(t, g.channel) : t('results.allChannels')}</td>
                  <td>
                    <span class={`badge badge-guardrail-${g.status}`}>
                      {t(`results.guardrail.${g.status}` as MessageKey)}
                    </span>
                  </td>
                  <td class="on-channels">
                    {!summary || perChannel.length === 0 ? (
                      '—'
                    ) : summary.degradedOn.length > 0 ? (
                      <span class="badge badge-guardrail-degraded">
                        {t('results.degradedOn', {
                          channels: summary.degradedOn.map((c) => channelLabel(t, c)).join(', '),
                        })}
                      </span>
                    ) : (
                      t('results.noChannelDegraded')
                    )}
                  </td>
                  <td class="num">
                    {g.status === 'insufficient-data' ? '—' : fmt.percent(g.evidence.harm, { signed: true })}
                  </td>
                  <td class="num">
                    {g.status === 'insufficient-data'
                      ? '—'
                      : `[${fmt.percent(g.evidence.ciLower, { signed: true })}, ${fmt.percent(g.evidence.ciUpper, { signed: true })}]`}
                  </td>
                  <td class="num">{g.status === 'insufficient-data' ? '—' : formatP(g.evidence.pValue)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
