/**
 * Planning figures for an experiment being defined: the units per arm and the days it takes to
 * detect a lift, and the smallest lift detectable in a set number of days, from the baseline and
 * the daily traffic the product owner expects. Computed in the browser with the platform's own
 * formulas (shared/stats/power.ts), fixed-horizon and sequential (the test the platform runs).
 */
import { useEffect, useState } from 'preact/hooks';
import {
  type Baseline,
  daysToReach,
  minimumDetectableEffect,
  sampleSizePerArm,
  sequentialSampleSizePerArm,
} from '../../../shared/stats/power';
import { path } from '../api';
import { useApp } from '../app-context';
import { NumberField } from './fields';

export interface PlanningInput {
  /** conversion: a rate; mean and count: a mean with its standard deviation. */
  kind: 'conversion' | 'mean';
  alpha: number;
  sequential: boolean;
  trafficPercent: number;
  /** Each variant's share of the experiment's traffic, control first. */
  weights: number[];
  /** The primary metric: the API's power route gives the MDE from its history, or from the baseline given. */
  metric?: string;
}

/** What `GET /api/admin/metrics/{key}/power` answers. */
interface PowerAnswer {
  perArm: number;
  mde: number | null;
  test: 'sequential' | 'fixed-horizon';
  source: { kind: 'history'; experiment: string; units: number } | { kind: 'given' };
}

export function PlanningFigures({ input }: { input: PlanningInput }) {
  const { t, fmt } = useApp();
  const [rate, setRate] = useState(10);
  const [mean, setMean] = useState(10);
  const [sd, setSd] = useState(5);
  const [lift, setLift] = useState(10);
  const [daily, setDaily] = useState(1000);
  const [horizon, setHorizon] = useState(28);
  const total = input.weights.reduce((s, w) => s + Math.max(w, 0), 0);
  const smallest = total > 0 ? Math.min(...input.weights.map((w) => w / total)) : 0;
  const dailyPerArm = daily * (input.trafficPercent / 100) * smallest;
  const baseline: Baseline =
    input.kind === 'conversion'
      ? { kind: 'conversion', rate: rate / 100 }
      : { kind: 'mean', mean, variance: sd * sd };
  const settings = { alpha: input.alpha, power: 0.8 };
  const fixed = sampleSizePerArm(baseline, lift / 100, settings);
  const sequential = sequentialSampleSizePerArm(baseline, lift / 100, settings);
  const needed = input.sequential ? sequential : fixed;
  const days = needed === null ? null : daysToReach(needed, 0, dailyPerArm);
  const mde = minimumDetectableEffect(baseline, dailyPerArm * horizon, settings);
  const { api } = useApp();
  const [answer, setAnswer] = useState<{ ok: PowerAnswer } | { refused: string } | null>(null);
  const query = new URLSearchParams({
    dailyUnits: String(daily * (input.trafficPercent / 100)),
    days: String(horizon),
    variants: String(Math.max(2, input.weights.length)),
    alpha: String(input.alpha),
    sequential: String(input.sequential),
    ...(input.kind === 'conversion'
      ? { baselineRate: String(rate / 100) }
      : { baselineMean: String(mean), baselineSd: String(sd) }),
  }).toString();
  useEffect(() => {
    if (!input.metric || !(daily > 0) || !(horizon > 0)) {
      setAnswer(null);
      return;
    }
    let current = true;
    const timer = setTimeout(() => {
      api
        .get<PowerAnswer>(`${path`/api/admin/metrics/${input.metric ?? ''}/power`}?${query}`)
        .then((ok) => current && setAnswer({ ok }))
        .catch((e: Error) => current && setAnswer({ refused: e.message }));
    }, 250);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [input.metric, query]);
  return (
    <section class="planning" aria-labelledby="planning-title">
      <h3 id="planning-title">{t('planning.title')}</h3>
      <p class="muted">{t('planning.intro')}</p>
      <div class="form-grid">
        {input.kind === 'conversion' ? (
          <NumberField
            label={t('planning.rate')}
            value={rate}
            onInput={setRate}
            min={0}
            max={100}
            step="any"
          />
        ) : (
          <>
            <NumberField label={t('planning.mean')} value={mean} onInput={setMean} step="any" />
            <NumberField label={t('planning.sd')} value={sd} onInput={setSd} min={0} step="any" />
          </>
        )}
        <NumberField label={t('planning.lift')} value={lift} onInput={setLift} step="any" />
        <NumberField label={t('planning.daily')} value={daily} onInput={setDaily} min={0} />
        <NumberField label={t('planning.horizon')} value={horizon} onInput={setHorizon} min={1} />
      </div>
      <ul class="planning-figures" aria-live="polite">
        <li>
          {needed === null
            ? t('planning.noSample')
            : t(input.sequential ? 'planning.perArmSequential' : 'planning.perArm', {
                units: fmt.number(needed),
                fixed: fmt.number(fixed ?? 0),
                lift: fmt.percent(lift / 100, { signed: true }),
              })}
        </li>
        <li>
          {days === null
            ? t('planning.noTraffic')
            : t('planning.days', { days: fmt.number(days), daily: fmt.number(Math.round(dailyPerArm)) })}
        </li>
        <li>
          {mde === null
            ? t('planning.noTraffic')
            : t('planning.mde', { days: fmt.number(horizon), mde: fmt.percent(mde, { signed: true }) })}
        </li>
        {answer && 'ok' in answer && (
          <li class="planning-api">
            {answer.ok.mde === null
              ? t('planning.apiNone', { days: fmt.number(horizon) })
              : t(answer.ok.test === 'sequential' ? 'planning.apiMdeSequential' : 'planning.apiMde', {
                  days: fmt.number(horizon),
                  perArm: fmt.number(answer.ok.perArm),
                  mde: fmt.percent(answer.ok.mde, { signed: true }),
                })}{' '}
            {answer.ok.source.kind === 'history'
              ? t('planning.fromHistory', {
                  experiment: answer.ok.source.experiment,
                  units: fmt.number(answer.ok.source.units),
                })
              : t('planning.fromGiven')}
          </li>
        )}
        {answer && 'refused' in answer && (
          <li class="muted">{t('planning.apiRefused', { message: answer.refused })}</li>
        )}
      </ul>
    </section>
  );
}
