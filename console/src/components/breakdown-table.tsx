/**
 * The results page's breakdown by channel: units, the primary metric's lift for each treatment, SRM,
 * and the channel's verdict.
 */

import { useApp } from '../app-context';
import { channelLabel } from '../i18n';
import type { ExperimentResults } from '../types';

import { channelReason, verdictHeadline } from './verdict-box';
export function BreakdownTable({ results }: { results: ExperimentResults }) {
  const { t, fmt } = useApp();
  const primary = results.metrics.find((m) => m.role === 'primary') ?? results.metrics[0];
  const treatments = primary ? primary.comparisons.map((c) => c.variant) : [];
  return (
    <section class="card" aria-labelledby="breakdown-title">
      <h2 id="breakdown-title">{t('results.breakdown')}</h2>
      <div class="table-wrap">
        <table class="data">
          <thead>
            <tr>
              <th scope="col">{t('results.channel')}</th>
              <th scope="col" class="num">
                {t('results.unitsHeader')}
              </th>
              {treatments.map((v) => (
                <th scope="col" class="num" key={v}>
                  {primary?.name} · {v}
                </th>
              ))}
              <th scope="col">{t('results.srmTitle')}</th>
              <th scope="col">{t('results.channelVerdict')}</th>
            </tr>
          </thead>
          <tbody>
            {results.breakdown.map((b) => {
              const m = b.metrics.find((x) => x.key === primary?.key);
              return (
                <tr key={b.channel}>
                  <th scope="row">{channelLabel(t, b.channel)}</th>
                  <td class="num">{fmt.number(b.units)}</td>
                  {treatments.map((v) => {
                    const c = m?.comparisons.find((x) => x.variant === v);
                    return (
                      <td class="num" key={v}>
                        {c && c.error === null
                          ? `${fmt.percent(c.relative.estimate, { signed: true })} [${fmt.percent(c.relative.ciLower, { signed: true })}, ${fmt.percent(c.relative.ciUpper, { signed: true })}]`
                          : '—'}
                      </td>
                    );
                  })}
                  <td>
                    {b.srm.detected ? (
                      <span class="badge badge-guardrail-degraded">SRM</span>
                    ) : (
                      t('results.no')
                    )}
                  </td>
                  <td>
                    {verdictHeadline(t, b.verdict)}
                    <div class="muted channel-reason">{channelReason(t, fmt, results, b.channel)}</div>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}
