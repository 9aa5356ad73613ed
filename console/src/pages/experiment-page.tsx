/**
 * An experiment for its product owner: what it tests, and what the results say — the verdict in
 * plain words first, then the evidence (forest plot, lift over time, channels, guardrails).
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import {
  channelView,
  daysRunning,
  decidingFigure,
  explainVerdict,
  formatFigure,
  formatP,
  guardrailSummaries,
  harms,
  intervalOf,
  projectDecision,
} from '../../../shared/presentation/results-presentation';
import { ApiError, path } from '../api';
import { useApp } from '../app-context';
import {
  type BackfillAnswer,
  BackfillPanel,
  CrossoverCheck,
  RawEventsNoteText,
  rawEventsOf,
} from '../components/backfill-panel';
import { ForestPlot } from '../components/forest-plot';
import { LiftHistoryChart } from '../components/lift-history-chart';
import { channelLabel, type Formatters, type MessageKey, type Translate } from '../i18n';
import { ChannelsFirst } from '../results-channels';
import { harmText, levelText, pLabelText, projectionText, reasonText } from '../results-text';
import { channelsCsv, forestRows, resultsCsv } from '../results-view';
import { href } from '../router';
import type { ExperimentResults, HistoryPoint, ScopeResults, StoredExperiment, Verdict } from '../types';
import { statusLabel } from './experiments-page';

function verdictHeadline(t: Translate, verdict: Verdict): string {
  return t(`results.decision.${verdict.decision}` as MessageKey, { variant: verdict.variant ?? '' });
}

function download(name: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function ExperimentPage({ experimentKey }: { experimentKey: string }) {
  const { api, t, fmt } = useApp();
  const [experiment, setExperiment] = useState<StoredExperiment | null>(null);
  const [missing, setMissing] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [channel, setChannel] = useState('');
  const [results, setResults] = useState<ExperimentResults | null>(null);
  const [resultsError, setResultsError] = useState<string | null>(null);
  const [history, setHistory] = useState<HistoryPoint[] | null>(null);
  // A backfill's answer (its crossover check) and the results read again after it.
  const [backfill, setBackfill] = useState<BackfillAnswer | null>(null);
  const [resultsRead, setResultsRead] = useState(0);

  useEffect(() => {
    api
      .get<StoredExperiment>(path`/api/admin/experiments/${experimentKey}`)
      .then(setExperiment)
      .catch((e: Error) => {
        if (e instanceof ApiError && e.status === 404) setMissing(true);
        else setError(e.message);
      });
    // The history endpoint is optional: anything but a 200 means there is no history to draw.
    api
      .get<{ points: HistoryPoint[] }>(path`/api/admin/experiments/${experimentKey}/results/history`)
      .then((res) => setHistory(Array.isArray(res.points) ? res.points : []))
      .catch(() => setHistory([]));
  }, [experimentKey]);

  useEffect(() => {
    setResults(null);
    setResultsError(null);
    const query = channel ? `?channel=${encodeURIComponent(channel)}` : '';
    api
      .get<ExperimentResults>(`${path`/api/admin/experiments/${experimentKey}/results`}${query}`)
      .then(setResults)
      .catch((e: Error) => setResultsError(e.message));
  }, [experimentKey, channel, resultsRead]);

  if (missing) return <p class="alert alert-error">{t('experiment.notFound', { key: experimentKey })}</p>;
  if (error)
    return (
      <p class="alert alert-error" role="alert">
        {t('error.load', { message: error })}
      </p>
    );
  if (!experiment) return <p>{t('app.loading')}</p>;
  const e = experiment;
  const level = fmt.percent(1 - e.analysis.alpha, { digits: 0 });

  return (
    <article aria-labelledby="experiment-title">
      <p>
        <a href={href({ page: 'experiments' })}>← {t('nav.experiments')}</a>
      </p>
      <div class="title-row">
        <h1 id="experiment-title">{e.name}</h1>
        <span class={`badge badge-${e.status}`}>{statusLabel(t, e.status)}</span>
      </div>
      <p class="muted">
        <code>{e.key}</code> · {e.squad} · {e.environment}
      </p>
      {e.haltedChannels.length > 0 && (
        <p class="alert alert-warning">
          {t('results.haltedChannels', {
            channels: e.haltedChannels.map((c) => channelLabel(t, c)).join(', '),
          })}
        </p>
      )}

      <div class="two-columns">
        <section class="card" aria-labelledby="hypothesis-title">
          <h2 id="hypothesis-title">{t('experiment.hypothesis')}</h2>
          <blockquote class="hypothesis">{e.hypothesis}</blockquote>
          <h3>{t('experiment.metrics')}</h3>
          <dl class="facts">
            <dt>{t('experiment.primaryMetric')}</dt>
            <dd>
              <code>{e.primaryMetric}</code>
            </dd>
            <dt>{t('experiment.secondaryMetrics')}</dt>
            <dd>
              {e.secondaryMetrics.length > 0 ? e.secondaryMetrics.map((m) => <code key={m}>{m} </code>) : '—'}
            </dd>
            <dt>{t('experiment.guardrails')}</dt>
            <dd>
              {e.guardrails.length > 0
                ? e.guardrails.map((g) => (
                    <div key={g.metric}>
                      <code>{g.metric}</code> (
                      {t('experiment.tolerance', { tolerance: fmt.percent(g.tolerance, { digits: 0 }) })})
                    </div>
                  ))
                : '—'}
            </dd>
          </dl>
        </section>
        <section class="card" aria-labelledby="setup-title">
          <h2 id="setup-title">{t('experiment.setup')}</h2>
          <dl class="facts">
            <dt>{t('experiment.variants')}</dt>
            <dd>
              {e.variants.map((v, i) => (
                <div key={v.name}>
                  <code>{v.name}</code> · {v.weight}
                  {i === 0 ? ` (${t('experiment.control')})` : ''}
                </div>
              ))}
            </dd>
            <dt>{t('experiments.channels')}</dt>
            <dd>{e.channels.map((c) => channelLabel(t, c)).join(', ')}</dd>
            <dt>{t('experiment.unit')}</dt>
            <dd>{e.unit}</dd>
            <dt>{t('experiment.traffic')}</dt>
            <dd>{fmt.percent(e.trafficPercent / 100, { digits: 0 })}</dd>
            <dt>{t('experiment.analysis')}</dt>
            <dd>
              {e.analysis.engine === 'bayesian'
                ? t('experiment.bayesian', { threshold: String(e.analysis.chanceThreshold ?? 0.95) })
                : e.analysis.sequential
                  ? t('experiment.sequential')
                  : t('experiment.fixedHorizon')}
              {e.analysis.cuped ? `; ${t('experiment.cuped')}` : ''};{' '}
              {t('experiment.alpha', { alpha: String(e.analysis.alpha) })}
            </dd>
          </dl>
        </section>
      </div>

      <section class="card" aria-labelledby="results-title">
        <div class="card-head">
          <h2 id="results-title">{t('results.title')}</h2>
          <div class="toolbar toolbar-tight">
            <label class="field">
              <span class="field-label">{t('results.scope')}</span>
              <select value={channel} onChange={(ev) => setChannel(ev.currentTarget.value)}>
                <option value="">{t('results.allChannels')}</option>
                {e.channels.map((c) => (
                  <option key={c} value={c}>
                    {channelLabel(t, c)}
                  </option>
                ))}
              </select>
            </label>
            <button
              type="button"
              class="button"
              disabled={!results}
              onClick={() =>
                results &&
                download(`${e.key}${channel ? `-${channel}` : ''}-results.csv`, resultsCsv(results))
              }
            >
              {t('results.download')}
            </button>
            <button
              type="button"
              class="button"
              disabled={!results || results.breakdown.length === 0}
              onClick={() => results && download(`${e.key}-channels.csv`, channelsCsv(results))}
            >
              {t('channels.csv')}
            </button>
          </div>
        </div>
        {resultsError && (
          <p class="alert alert-error">{t('results.unavailable', { message: resultsError })}</p>
        )}
        {!results && !resultsError && <p>{t('app.loading')}</p>}
        {results && (
          <ResultsBody
            results={results}
            level={level}
            daysSoFar={daysRunning(e.startedAt, Date.now())}
            backfill={backfill}
          />
        )}
      </section>

      <BackfillPanel
        experiment={e}
        results={results}
        onDone={(answer) => {
          setBackfill(answer);
          setResultsRead((n) => n + 1);
        }}
      />

      <HistorySection points={history} primary={e.primaryMetric} />

      {results && results.breakdown.length > 0 && <Breakdown results={results} />}
    </article>
  );
}

function ResultsBody({
  results,
  level,
  daysSoFar,
  backfill,
}: {
  results: ExperimentResults;
  level: string;
  daysSoFar: number | null;
  backfill: BackfillAnswer | null;
}) {
  const { t, fmt } = useApp();
  const harmful = useMemo(() => harms(results), [results]);
  const rows = useMemo(() => forestRows(results), [results]);
  const summary = t('results.forestSummary', {
    rows: rows
      .map(
        (r) =>
          `${r.metricName}, ${r.variant}: ${fmt.percent(r.estimate, { signed: true })} [${fmt.percent(r.lower, { signed: true })}, ${fmt.percent(r.upper, { signed: true })}]`,
      )
      .join('; '),
  });
  return (
    <>
      <p class="muted">{t('results.units', { units: fmt.number(results.units) })}</p>
      {results.srm.detected && (
        <div class="alert alert-error srm-banner" role="alert">
          <strong>{t('results.srmTitle')}</strong>
          <p>
            {t('results.srm', {
              p: fmt.pValue(results.srm.pValue),
              expected: results.srm.expectedShares.map((s) => fmt.percent(s)).join(' / '),
              observed: results.variants.map((v) => fmt.percent(v.share)).join(' / '),
            })}
          </p>
        </div>
      )}
      {(results.health?.assignmentMismatch.total ?? 0) > 0 && (
        <div class="alert alert-warning mismatch-banner" role="status">
          <strong>{t('results.mismatchTitle')}</strong>
          <p>
            {t('results.mismatch', {
              total: fmt.number(results.health.assignmentMismatch.total),
              channels: results.health.assignmentMismatch.channels
                .map((c) => `${c.channel}: ${fmt.number(c.exposures)}`)
                .join(', '),
            })}
          </p>
        </div>
      )}
      <CrossoverCheck answer={backfill} />
      {harmful.length > 0 && (
        <div class="alert alert-error harm-banner" role="alert">
          <strong>{t('results.harmTitle')}</strong>
          {harmful.map((h) => (
            <p key={`${h.metric}-${h.variant}-${h.channel}`}>{harmText(t, fmt, h)}</p>
          ))}
        </div>
      )}
      <VerdictBox results={results} daysSoFar={daysSoFar} />
      <ChannelsFirst results={results} />
      <p class="muted decided-by">
        {results.engine?.name === 'bayesian'
          ? t('results.decidedByBayes', {
              threshold: levelText(results.engine?.chanceThreshold ?? 0.95),
              confidence: fmt.percent(1 - results.analysis.alpha, { digits: 0 }),
              guardrailAlpha: levelText(results.analysis.guardrailAlpha),
            })
          : t('results.decidedBy', {
              test: t(`results.test.${results.analysis.test}` as MessageKey),
              alpha: levelText(results.analysis.alpha),
              holm:
                goalCount(results) > 1 ? t('results.decidedHolm', { comparisons: goalCount(results) }) : '',
              guardrailAlpha: levelText(results.analysis.guardrailAlpha),
            })}
      </p>
      {results.units === 0 ? (
        <p>{t('results.none')}</p>
      ) : (
        <>
          <h3>{t('results.forest')}</h3>
          <p class="muted">{t('results.forestHelp', { level })}</p>
          {rows.length > 0 && (
            <ForestPlot rows={rows} fmt={fmt} summary={summary} estimateLabel={t('results.lift')} />
          )}
          <LiftTable results={results} />
          <Guardrails results={results} />
        </>
      )}
    </>
  );
}

function goalCount(scope: ScopeResults): number {
  return scope.metrics.filter((m) => m.role !== 'guardrail').reduce((n, m) => n + m.comparisons.length, 0);
}

/** The headline, then why, in the reader's language, from the payload's structured parts. */
function VerdictBox({ results, daysSoFar }: { results: ExperimentResults; daysSoFar: number | null }) {
  const { t, fmt } = useApp();
  const verdict = results.verdict;
  // The server's reasons (codes with parameters) when it sent them, else the same parts computed here.
  const served = (results as { explanation?: ReturnType<typeof explainVerdict> }).explanation;
  const parts = (served ?? explainVerdict(results)).filter((p) => p.code !== 'decided-by');
  const projections = projectDecision(results, daysSoFar);
  return (
    <section class={`verdict verdict-${verdict.decision}`} aria-labelledby="verdict-title">
      <h3 id="verdict-title">{t('results.verdict')}</h3>
      <p class="verdict-headline">{verdictHeadline(t, verdict)}</p>
      <p class="verdict-reason">
        {parts.length > 0 ? parts.map((p) => reasonText(t, fmt, p)).join(' ') : verdict.reason}
      </p>
      {projections.map((x) => (
        <p class="verdict-projection" key={x.variant}>
          {projectionText(t, fmt, x)}
        </p>
      ))}
    </section>
  );
}

/** A channel's verdict explained in the reader's language (its headline is beside it). */
function channelReason(t: Translate, fmt: Formatters, results: ExperimentResults, channel: string): string {
  const view = channelView(results, channel);
  const parts = view ? explainVerdict(view).filter((p) => p.code !== 'decided-by') : [];
  return parts.map((p) => reasonText(t, fmt, p)).join(' ');
}

/**
 * One row per metric and variant: the deciding test's figure first (labelled), the others
 * (unadjusted p, the Bayesian chance to win) behind a toggle, marked secondary.
 */
function LiftTable({ results }: { results: ExperimentResults }) {
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

/** Each guardrail overall with what the channels say beside it, and a row per degraded channel. */
function Guardrails({ results }: { results: ExperimentResults }) {
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

function HistorySection({ points, primary }: { points: HistoryPoint[] | null; primary: string }) {
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

function Breakdown({ results }: { results: ExperimentResults }) {
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
