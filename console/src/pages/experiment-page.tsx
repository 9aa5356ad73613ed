/**
 * An experiment for its product owner: what it tests, and what the results say — the verdict in
 * plain words first, then the evidence (forest plot, lift over time, channels, guardrails).
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { daysRunning, harms } from '../../../shared/presentation/results-presentation';
import { ApiError, path } from '../api';
import { useApp } from '../app-context';
import { type BackfillAnswer, BackfillPanel, CrossoverCheck } from '../components/backfill-panel';
import { BreakdownTable } from '../components/breakdown-table';
import { ForestPlot } from '../components/forest-plot';
import { GuardrailsSection } from '../components/guardrails-section';
import { HistorySection } from '../components/history-section';
import { LiftTable } from '../components/lift-table';
import { VerdictBox } from '../components/verdict-box';
import { channelLabel, type MessageKey } from '../i18n';
import { ChannelsFirst } from '../results-channels';
import { harmText, levelText } from '../results-text';
import { channelsCsv, forestRows, resultsCsv } from '../results-view';
import { href } from '../router';
import type { ExperimentResults, HistoryPoint, ScopeResults, StoredExperiment } from '../types';
import { statusLabel } from './experiments-page';

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

      {results && results.breakdown.length > 0 && <BreakdownTable results={results} />}
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
          <GuardrailsSection results={results} />
        </>
      )}
    </>
  );
}

function goalCount(scope: ScopeResults): number {
  return scope.metrics.filter((m) => m.role !== 'guardrail').reduce((n, m) => n + m.comparisons.length, 0);
}
