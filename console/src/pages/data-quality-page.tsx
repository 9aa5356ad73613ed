/**
 * Data quality per channel: for an environment and a range of received days, the events each
 * channel sent (received, accepted, stored raw, duplicates, late, rejected by reason), from
 * `GET /api/admin/data-quality`, with the rejected share per channel and day drawn beside it.
 */
import { useEffect, useId, useMemo, useRef, useState } from 'preact/hooks';
import {
  type DataQualityCell,
  type DataQualityReport,
  NO_CHANNEL,
} from '../../../shared/experiments/data-quality';
import { ApiError } from '../api';
import { useApp } from '../app-context';
import { Chart, COLORS } from '../charts';
import { EnvironmentSelect, initialEnvironment } from '../components/environment-select';
import { channelLabel, type Formatters, type Translate } from '../i18n';
import { useResource } from '../use-resource';

const DAY_MS = 86_400_000;

/** Today and six days before it, as UTC calendar days (the API's default range). */
function defaultRange(now: number): { from: string; to: string } {
  const to = new Date(now).toISOString().slice(0, 10);
  const from = new Date(Date.parse(`${to}T00:00:00Z`) - 6 * DAY_MS).toISOString().slice(0, 10);
  return { from, to };
}

function channelName(t: Translate, channel: string): string {
  return channel === NO_CHANNEL ? t('dq.noChannel') : channelLabel(t, channel);
}

const rejectedShare = (c: DataQualityCell) => (c.received > 0 ? c.rejected.total / c.received : 0);

function DayField(props: { label: string; value: string; problem?: string; onInput(value: string): void }) {
  const id = useId();
  return (
    <div class="field">
      <label class="field-label" for={id}>
        {props.label}
      </label>
      <input
        id={id}
        type="date"
        value={props.value}
        aria-invalid={props.problem ? true : undefined}
        aria-describedby={props.problem ? `${id}-problem` : undefined}
        onInput={(e) => props.onInput(e.currentTarget.value)}
      />
      {props.problem && (
        <span class="field-problem" id={`${id}-problem`} role="alert">
          {props.problem}
        </span>
      )}
    </div>
  );
}

export function DataQualityPage() {
  const { api, t, fmt, environments } = useApp();
  const [environment, setEnvironment] = useState(() => initialEnvironment(environments.map((e) => e.name)));
  const [range, setRange] = useState(() => defaultRange(Date.now()));
  const report = useResource(
    () =>
      api.get<DataQualityReport>(
        `/api/admin/data-quality?${new URLSearchParams({ environment, from: range.from, to: range.to })}`,
      ),
    [environment, range.from, range.to],
  );
  const error = report.error;
  const field = error instanceof ApiError ? error.field : undefined;
  const problemOf = (name: string) => (field === name && error ? error.message : undefined);
  const cells = report.data?.days ?? [];
  return (
    <section aria-labelledby="data-quality-title">
      <h1 id="data-quality-title">{t('dq.title')}</h1>
      <p class="muted">{t('dq.intro')}</p>
      <div class="toolbar">
        <EnvironmentSelect value={environment} onChange={setEnvironment} />
        <DayField
          label={t('dq.from')}
          value={range.from}
          problem={problemOf('query.from')}
          onInput={(from) => from && setRange((r) => ({ ...r, from }))}
        />
        <DayField
          label={t('dq.to')}
          value={range.to}
          problem={problemOf('query.to')}
          onInput={(to) => to && setRange((r) => ({ ...r, to }))}
        />
      </div>
      {error && !field && (
        <p class="alert alert-error" role="alert">
          {t('error.load', { message: error.message })}
        </p>
      )}
      {report.loading && !report.data && <p>{t('app.loading')}</p>}
      {report.data && !error && cells.length === 0 && (
        <p id="dq-none">{t('dq.none', { env: environment, from: report.data.from, to: report.data.to })}</p>
      )}
      {report.data && !error && cells.length > 0 && (
        <>
          <section class="card" aria-labelledby="dq-chart-title">
            <h2 id="dq-chart-title">{t('dq.chartTitle')}</h2>
            <RejectedChart cells={cells} t={t} fmt={fmt} />
          </section>
          <div class="table-wrap">
            <table class="data" id="dq-table">
              <caption>{t('dq.table')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('dq.day')}</th>
                  <th scope="col">{t('dq.channel')}</th>
                  <th scope="col" class="num">
                    {t('dq.received')}
                  </th>
                  <th scope="col" class="num">
                    {t('dq.accepted')}
                  </th>
                  <th scope="col" class="num">
                    {t('dq.stored')}
                  </th>
                  <th scope="col" class="num">
                    {t('dq.duplicates')}
                  </th>
                  <th scope="col" class="num">
                    {t('dq.late')}
                  </th>
                  <th scope="col" class="num">
                    {t('dq.rejected')}
                  </th>
                  <th scope="col">{t('dq.reasons')}</th>
                </tr>
              </thead>
              <tbody>
                {cells.map((c) => (
                  <tr key={`${c.day}-${c.channel}`} data-day={c.day} data-channel={c.channel}>
                    <th scope="row">{c.day.replace(/-/g, '\u2011')}</th>
                    <td>{channelName(t, c.channel)}</td>
                    <td class="num dq-received">{fmt.number(c.received)}</td>
                    <td class="num dq-accepted">{fmt.number(c.accepted)}</td>
                    <td class="num dq-stored">{fmt.number(c.stored)}</td>
                    <td class="num dq-duplicates">{fmt.number(c.duplicates)}</td>
                    <td class="num dq-late">{fmt.number(c.late)}</td>
                    <td class="num dq-rejected">
                      {fmt.number(c.rejected.total)}
                      {c.rejected.total > 0 && <span class="muted"> ({fmt.percent(rejectedShare(c))})</span>}
                    </td>
                    <td class="dq-reasons">
                      {Object.keys(c.rejected.byReason).length === 0 ? (
                        '—'
                      ) : (
                        <ul>
                          {Object.entries(c.rejected.byReason).map(([reason, n]) => (
                            <li key={reason}>
                              <code>{reason || '—'}</code>: {fmt.number(n)}
                            </li>
                          ))}
                        </ul>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <p class="muted">{t('dq.lateHelp', { hours: report.data.lateAfterHours })}</p>
        </>
      )}
    </section>
  );
}

/** One bar per channel and day: the share of the day's received events that were rejected. */
function RejectedChart({ cells, t, fmt }: { cells: DataQualityCell[]; t: Translate; fmt: Formatters }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const days = useMemo(() => [...new Set(cells.map((c) => c.day))].sort(), [cells]);
  const channels = useMemo(() => [...new Set(cells.map((c) => c.channel))].sort(), [cells]);
  const shareAt = (channel: string, day: string) => {
    const c = cells.find((x) => x.channel === channel && x.day === day);
    return c ? rejectedShare(c) : null;
  };
  useEffect(() => {
    if (!canvas.current) return;
    const chart = new Chart(canvas.current, {
      type: 'bar',
      data: {
        labels: days,
        datasets: channels.map((channel, i) => {
          const color = COLORS.series[i % COLORS.series.length];
          return {
            label: channelName(t, channel),
            data: days.map((day) => {
              const share = shareAt(channel, day);
              return share === null ? null : share * 100;
            }),
            backgroundColor: color,
            maxBarThickness: 28,
          };
        }),
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: {
          y: {
            min: 0,
            suggestedMax: 10,
            ticks: { callback: (v) => `${v}%` },
            grid: { color: COLORS.grid },
          },
        },
        plugins: {
          tooltip: {
            callbacks: {
              label: (item) => `${item.dataset.label ?? ''}: ${fmt.percent(Number(item.raw) / 100)}`,
            },
          },
        },
      },
    });
    return () => chart.destroy();
  }, [cells, t, fmt]);
  const summary = t('dq.chartSummary', {
    series: channels
      .map(
        (channel) =>
          `${channelName(t, channel)}: ${days
            .flatMap((day) => {
              const share = shareAt(channel, day);
              return share === null ? [] : [`${day} ${fmt.percent(share)}`];
            })
            .join(', ')}`,
      )
      .join('; '),
  });
  return (
    <div class="chart" style={{ height: '220px' }}>
      <canvas ref={canvas} role="img" aria-label={summary} />
    </div>
  );
}
