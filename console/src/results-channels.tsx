/**
 * The results page's channels-first section: on which channels to ship, whether each effect
 * differs by channel (Cochran's Q, in plain words), and every primary and guardrail metric on
 * every channel with harm marked, in the reader's language.
 */
import { useMemo } from 'preact/hooks';
import { channelRows, formatFigure } from '../../shared/presentation/results-presentation';
import { useApp } from './app-context';
import { channelLabel, type MessageKey } from './i18n';
import { channelFitText, heterogeneityText, pLabelText } from './results-text';
import type { ExperimentResults } from './types';

export function ChannelsFirst({ results }: { results: ExperimentResults }) {
  const { t, fmt } = useApp();
  const rows = useMemo(() => channelRows(results), [results]);
  const analysis = results.channelAnalysis;
  if (!analysis || results.breakdown.length === 0) return null;
  const names = new Map(results.metrics.map((m) => [m.key, m.name]));
  const fit = channelFitText(t, analysis.fit, names);
  const signed = (x: number) => fmt.percent(x, { signed: true });
  return (
    <section class="channels-first" aria-labelledby="channel-fit-title">
      <h3 id="channel-fit-title">{t('fit.title')}</h3>
      <p class={`channel-fit channel-fit-${analysis.fit.summary}`} data-fit={analysis.fit.summary}>
        <strong>{fit.headline}</strong>
      </p>
      <ul class="channel-fit-list">
        {analysis.fit.channels.map((c, i) => (
          <li key={c.channel} data-channel={c.channel} data-advice={c.advice}>
            {fit.lines[i]}
          </li>
        ))}
      </ul>
      <h3>{t('het.title')}</h3>
      <ul class="heterogeneity">
        {analysis.heterogeneity.map((h) => (
          <li key={`${h.metric}-${h.variant}`} data-metric={h.metric} data-differs={String(h.differs)}>
            {heterogeneityText(t, fmt, h)}
          </li>
        ))}
      </ul>
      <h3>{t('channels.title')}</h3>
      <div class="table-wrap">
        <table class="data channel-rows">
          <thead>
            <tr>
              <th scope="col">{t('channels.metric')}</th>
              <th scope="col">{t('channels.channel')}</th>
              <th scope="col" class="num">
                {t('channels.lift')}
              </th>
              <th scope="col" class="num">
                {t('channels.interval')}
              </th>
              <th scope="col">{t('channels.deciding')}</th>
              <th scope="col">{t('channels.status')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr
                key={`${r.metric}-${r.variant}-${r.channel}`}
                class={r.tone === 'harm' ? 'row-harm' : undefined}
                data-metric={r.metric}
                data-channel={r.channel}
                data-tone={r.tone}
              >
                <th scope="row">
                  {r.metricName} · {r.variant}
                </th>
                <td>{channelLabel(t, r.channel)}</td>
                <td class="num">{r.lift === null ? '—' : signed(r.lift)}</td>
                <td class="num">
                  {r.lower === null || r.upper === null ? '—' : `[${signed(r.lower)}, ${signed(r.upper)}]`}
                </td>
                <td>{r.figure ? `${pLabelText(t, r.figure.label)} ${formatFigure(r.figure)}` : '—'}</td>
                <td>
                  {r.tone === 'harm' ? (
                    <span class="badge badge-guardrail-degraded">{t('channels.harm')}</span>
                  ) : (
                    t(
                      (r.tone === 'better'
                        ? 'channels.better'
                        : r.tone === 'worse'
                          ? 'channels.worse'
                          : r.tone === 'pending'
                            ? 'channels.pending'
                            : r.role === 'guardrail'
                              ? 'channels.ok'
                              : 'channels.noDifference') as MessageKey,
                    )
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
