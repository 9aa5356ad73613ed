/** Lift over time for an experiment's primary metric, as a chart and a table. */

import { useMemo, useState } from 'preact/hooks';
import { useApp } from '../app-context';
import type { HistoryPoint } from '../types';
import { LiftHistoryChart } from './lift-history-chart';

export function HistorySection({ points, primary }: { points: HistoryPoint[] | null; primary: string }) {
  const { t, fmt } = useApp();
  const metrics = useMemo(() => [...new Set((points ?? []).map((p) => p.metric))], [points]);
  const [metric, setMetric] = useState('');
  const shownMetric = metric || (metrics.includes(primary) ? primary : (metrics[0] ?? ''));
  const shown = useMemo(() => (points ?? []).filter((p) => p.metric === shownMetric), [points, shownMetric]);
  const last = shown[shown.length - 1];
  return (
    <section class="card" aria-labelledby="history-title">
      <div class="card-head">
        <h2 id="history-title">{t('results.history')}</h2>
        {metrics.length > 1 && (
          <label class="field">
            <span class="field-label">{t('results.historyMetric')}</span>
            <select value={shownMetric} onChange={(e) => setMetric(e.currentTarget.value)}>
              {metrics.map((m) => (
                <option key={m} value={m}>
                  {m}
                </option>
              ))}
            </select>
          </label>
        )}
      </div>
      {points === null && <p>{t('app.loading')}</p>}
      {points !== null && shown.length === 0 && <p class="history-none">{t('results.historyNone')}</p>}
      {shown.length > 0 && (
        <LiftHistoryChart
          points={shown}
          fmt={fmt}
          clippedNote={(min, max) => t('results.historyClipped', { min, max })}
          axisLabel={(min, max) => t('results.historyAxis', { min, max })}
          summary={t('results.historySummary', {
            metric: shownMetric,
            variant: [...new Set(shown.map((p) => p.variant))].join(', '),
            points: shown.length,
            latest: last ? fmt.percent(last.relative.estimate, { signed: true }) : '—',
          })}
        />
      )}
    </section>
  );
}
