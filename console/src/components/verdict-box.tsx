/**
 * The results page's verdict (headline, reasons, projected decision), and one channel's headline and
 * reasons for the breakdown.
 */

import {
  channelView,
  explainVerdict,
  projectDecision,
} from '../../../shared/presentation/results-presentation';
import { useApp } from '../app-context';
import type { Formatters, MessageKey, Translate } from '../i18n';
import { projectionText, reasonText } from '../results-text';
import type { ExperimentResults, Verdict } from '../types';

export function verdictHeadline(t: Translate, verdict: Verdict): string {
  return t(`results.decision.${verdict.decision}` as MessageKey, { variant: verdict.variant ?? '' });
}

/** The headline, then why, in the reader's language, from the payload's structured parts. */
export function VerdictBox({ results, daysSoFar }: { results: ExperimentResults; daysSoFar: number | null }) {
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
export function channelReason(
  t: Translate,
  fmt: Formatters,
  results: ExperimentResults,
  channel: string,
): string {
  const view = channelView(results, channel);
  const parts = view ? explainVerdict(view).filter((p) => p.code !== 'decided-by') : [];
  return parts.map((p) => reasonText(t, fmt, p)).join(' ');
}
