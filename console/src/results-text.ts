/**
 * The results page's sentences in the chosen language, built from the structured parts of
 * shared/presentation/results-presentation.ts (the payload's own reasons are English text).
 */
import type { ChannelFit, ChannelHeterogeneity } from '../../shared/experiments/results-types';
import {
  type FigureLabel,
  type Harm,
  type Projection,
  quoteChance,
  quoteP,
  type ReasonPart,
} from '../../shared/presentation/results-presentation';
import { channelLabel, type Formatters, type MessageKey, type Translate } from './i18n';

export function pLabelText(t: Translate, label: FigureLabel): string {
  return t(`results.pLabel.${label}` as MessageKey);
}

/** A guardrail's level or the experiment's alpha: two significant digits. */
export function levelText(level: number): string {
  return String(Number(level.toPrecision(2)));
}

function where(t: Translate, channel: string | null, all = false): string {
  if (channel === null) return all ? t('results.whereAll') : '';
  return t('results.whereChannel', { channel: channelLabel(t, channel) });
}

/** The scope inside a sentence (" on Branch", "在网点渠道"), or nothing for all channels. */
function inline(t: Translate, channel: string | null): string {
  return channel === null ? '' : t('results.whereInline', { channel: channelLabel(t, channel) });
}

/** One sentence of the verdict's explanation. */
export function reasonText(t: Translate, fmt: Formatters, part: ReasonPart): string {
  const signed = (x: number) => fmt.percent(x, { signed: true });
  switch (part.code) {
    case 'srm':
      return t('reason.srm', { where: inline(t, part.channel), p: quoteP(part.p) });
    case 'primary-missing':
      return t('reason.primary-missing');
    case 'no-units':
      return t('reason.no-units', { where: inline(t, part.channel) });
    case 'lift':
      if (part.interval === 'credible') {
        const threshold = part.threshold ?? 0.95;
        return t('reason.lift-bayes', {
          variant: part.variant,
          metric: part.metric,
          lift: signed(part.lift),
          where: inline(t, part.channel),
          confidence: fmt.percent(part.confidence, { digits: 0 }),
          lower: signed(part.lower),
          upper: signed(part.upper),
          p: quoteChance(part.p),
          significance:
            part.p >= threshold
              ? t('reason.bayesWin', { threshold: levelText(threshold) })
              : part.p <= 1 - threshold
                ? t('reason.bayesLose', { threshold: levelText(1 - threshold) })
                : t('reason.bayesOpen', { threshold: levelText(threshold) }),
        });
      }
      return t('reason.lift', {
        variant: part.variant,
        metric: part.metric,
        lift: signed(part.lift),
        where: inline(t, part.channel),
        confidence: fmt.percent(part.confidence, { digits: 0 }),
        lower: signed(part.lower),
        upper: signed(part.upper),
        label: pLabelText(t, part.label),
        p: quoteP(part.p),
        significance: part.significant ? t('reason.significant') : t('reason.notSignificant'),
      });
    case 'not-enough-data':
      return t('reason.not-enough-data', { variant: part.variant, metric: part.metric });
    case 'guardrail-harm':
      if (part.chanceOfHarm !== undefined && part.chanceOfHarm !== null)
        return t('reason.guardrail-chance', {
          variant: part.variant,
          metric: part.metric,
          direction: part.change >= 0 ? t('reason.rose') : t('reason.fell'),
          change: fmt.percent(Math.abs(part.change)),
          where: where(t, part.channel, true),
          p: quoteChance(part.chanceOfHarm),
          threshold: levelText(part.level),
          tolerance: fmt.percent(part.tolerance, { digits: 0 }),
        });
      return t('reason.guardrail-harm', {
        variant: part.variant,
        metric: part.metric,
        direction: part.change >= 0 ? t('reason.rose') : t('reason.fell'),
        change: fmt.percent(Math.abs(part.change)),
        where: where(t, part.channel, true),
        p: quoteP(part.p),
        level: levelText(part.level),
        tolerance: fmt.percent(part.tolerance, { digits: 0 }),
      });
    case 'guardrails-clean':
      return part.pending.length > 0
        ? t('reason.guardrails-clean-pending', { metrics: part.pending.join(', ') })
        : t('reason.guardrails-clean', { across: part.acrossChannels ? t('reason.acrossChannels') : '' });
    case 'decided-by':
      if (part.engine === 'bayesian')
        return t('reason.decided-by-bayes', {
          threshold: levelText(part.threshold ?? 0.95),
          guardrails:
            part.guardrailLevel === null
              ? ''
              : t('reason.decidedGuardrailsBayes', {
                  level: levelText(part.guardrailLevel),
                  threshold: levelText(part.threshold ?? 0.95),
                }),
        });
      return t('reason.decided-by', {
        test: t(`results.test.${part.test}` as MessageKey),
        alpha: levelText(part.alpha),
        holm: part.comparisons > 1 ? t('results.decidedHolm', { comparisons: part.comparisons }) : '',
        guardrails:
          part.guardrailLevel === null
            ? ''
            : t('reason.decidedGuardrails', { level: levelText(part.guardrailLevel) }),
      });
  }
}

/** The harm banner's line for one degraded guardrail. */
export function harmText(t: Translate, fmt: Formatters, h: Harm): string {
  if (h.chanceOfHarm !== null)
    return t('results.harmLineChance', {
      metric: h.metricName,
      change: fmt.percent(h.change, { signed: true }),
      variant: h.variant,
      where: where(t, h.channel, true),
      p: quoteChance(h.chanceOfHarm),
      tolerance: fmt.percent(h.tolerance, { digits: 0 }),
    });
  return t('results.harmLine', {
    metric: h.metricName,
    change: fmt.percent(h.change, { signed: true }),
    variant: h.variant,
    where: where(t, h.channel, true),
    p: quoteP(h.p),
    tolerance: fmt.percent(h.tolerance, { digits: 0 }),
  });
}

/** "keep running: about N more days at the rate so far to detect a X% lift". */
export function projectionText(t: Translate, fmt: Formatters, x: Projection): string {
  switch (x.kind) {
    case 'days':
      return x.moreDays === 0
        ? t('projection.enough', { variant: x.variant, lift: fmt.percent(x.lift) })
        : t('projection.days', {
            variant: x.variant,
            days: fmt.number(x.moreDays),
            daily: fmt.number(Math.round(x.dailyPerArm)),
            lift: fmt.percent(x.lift),
          });
    case 'too-small':
      return t('projection.too-small', {
        variant: x.variant,
        lift: fmt.percent(x.lift),
        horizon: x.horizonDays,
        detectable: fmt.percent(x.detectable),
      });
    case 'no-traffic':
      return t('projection.no-traffic', { variant: x.variant });
  }
}

/** Whether the effect on one metric differs by channel, in plain words. */
export function heterogeneityText(t: Translate, fmt: Formatters, h: ChannelHeterogeneity): string {
  const signed = (x: number) => fmt.percent(x, { signed: true });
  if (h.error !== null) return t('het.tooFew', { variant: h.variant, metric: h.metricName });
  if (!h.differs)
    return t('het.same', {
      variant: h.variant,
      metric: h.metricName,
      p: quoteP(h.adjustedPValue),
      pooled: signed(h.pooledLift),
    });
  const lifts = h.channels.map((c) => c.estimate);
  return t('het.differs', {
    variant: h.variant,
    metric: h.metricName,
    q: h.q.toFixed(1),
    dof: h.dof,
    p: quoteP(h.adjustedPValue),
    min: signed(Math.min(...lifts)),
    max: signed(Math.max(...lifts)),
  });
}

/** The channel-fit recommendation: a headline, then one line per channel. */
export function channelFitText(
  t: Translate,
  fit: ChannelFit,
  metricNames: ReadonlyMap<string, string> = new Map(),
): { headline: string; lines: string[] } {
  const list = (xs: string[]) => xs.map((c) => channelLabel(t, c)).join(t('fit.separator'));
  const ship = fit.channels.filter((c) => c.advice === 'ship').map((c) => c.channel);
  const rest = fit.channels.filter((c) => c.advice !== 'ship').map((c) => c.channel);
  const variant = fit.variant ?? '';
  const headline =
    fit.summary === 'invalid'
      ? t('fit.invalid')
      : fit.summary === 'wait'
        ? t('fit.wait')
        : t(`fit.${fit.summary}`, { variant, ship: list(ship), rest: list(rest) });
  const lines = fit.channels.map((c) =>
    t('fit.line', {
      channel: channelLabel(t, c.channel),
      advice: t(`fit.advice.${c.advice}` as MessageKey),
      because: t(`fit.because.${c.because}` as MessageKey, {
        metrics: c.metrics.map((m) => metricNames.get(m) ?? m).join(t('fit.separator')),
      }),
    }),
  );
  return { headline, lines };
}
