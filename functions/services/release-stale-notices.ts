/**
 * The scheduled function's notices of potentially-stale flags: a flag past its type's expected
 * lifetime and not archived is notified once per notice period while it stays so (the release
 * store records the period sent, conditionally, so concurrent or repeated runs send it once).
 */
import {
  EXPECTED_LIFETIME_DAYS,
  expectedEndOf,
  STALE_NOTICE_PERIOD_DAYS,
  staleNoticePeriod,
} from '../../shared/release/flag-lifecycle';
import type { Runtime } from '../runtime/composition-root';
import type { Notifier } from './notifier';

/** Notifies every flag newly due a notice; answers their names. */
export async function noticeStaleFlags(runtime: Runtime, notifier: Notifier): Promise<string[]> {
  const now = runtime.now();
  const due = (await runtime.flags.list()).flatMap((flag) => {
    if (flag.archived) return [];
    const period = staleNoticePeriod(flag, now);
    return period === null ? [] : [{ flag, period }];
  });
  if (due.length === 0) return [];
  const sent = await runtime.releases.staleNotices();
  const out: string[] = [];
  for (const { flag, period } of due) {
    if ((sent.get(flag.name) ?? -1) >= period) continue;
    if (!(await runtime.releases.markStaleNotice(flag.name, period, now.toISOString()))) continue;
    const expectedEnd = expectedEndOf(flag);
    await notifier.notify({
      id: runtime.newId(),
      at: now.toISOString(),
      kind: 'flag-potentially-stale',
      subject: flag.name,
      message: `flag ${flag.name} (${flag.type}, squad ${flag.squad}) is past its expected lifetime of ${EXPECTED_LIFETIME_DAYS[flag.type]} days (${expectedEnd}) and not archived: remove it from code and archive it, or set its lifecycle stage`,
      details: {
        squad: flag.squad,
        type: flag.type,
        expectedEnd,
        period,
        periodDays: STALE_NOTICE_PERIOD_DAYS,
      },
    });
    out.push(flag.name);
  }
  return out;
}
