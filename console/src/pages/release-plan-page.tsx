/** A flag's release plan in one environment: a timeline per channel, gate status, safeguard evidence and the plan's actions. */
import { ApiError, path } from '../api';
import { useApp } from '../app-context';
import { channelLabel } from '../i18n';
import { useResource } from '../use-resource';
import { type PlanMilestoneView, releaseText, timeline } from './release-text';

interface Check {
  safeguard: string;
  channel: string | null;
  status: 'ok' | 'degraded' | 'insufficient-data';
  evidence: Record<string, number | string | null>;
}

interface PlanView {
  status: 'pending-approval' | 'active' | 'paused' | 'completed' | 'aborted';
  milestones: PlanMilestoneView[];
  current: number;
  skipped: number[];
  rolledBack: Record<string, number>;
  version: number;
  pausedReason?: string;
  gates: {
    hold: { requiredMinutes: number; elapsedMinutes: number; passed: boolean };
    exposedUnits: { required: number; observed: number; passed: boolean };
    safeguards: { passed: boolean; degraded: string[] };
    approval: { milestone: number; by: string[]; passed: boolean } | null;
    planApproved: boolean;
  };
  safeguards: { kind: string; metric?: string; impactMetric?: string; checks: Check[] }[];
}

export function ReleasePlanPage({ name, env }: { name: string; env: string }) {
  const { api, lang, t, channels, notify } = useApp();
  const r = releaseText(lang);
  const url = path`/api/admin/flags/${name}/environments/${env}/release-plan`;
  const plan = useResource(() => api.get<PlanView>(url), [url]);
  const act = async (action: string) => {
    if (!plan.data) return;
    try {
      await api.send('POST', `${url}/${action}`, { version: plan.data.version });
      await plan.reload();
    } catch (e) {
      notify('error', e instanceof ApiError ? e.message : String(e));
    }
  };
  const p = plan.data;
  const gate = (ok: boolean, text: string) => (
    <li>
      <span class={ok ? 'tone-good' : 'tone-warn'}>{ok ? r('passed') : r('waiting')}</span> {text}
    </li>
  );
  return (
    <section aria-labelledby="release-plan-title">
      <h1 id="release-plan-title">
        {r('plan')}: <code>{name}</code> · {env}
      </h1>
      {plan.error && (
        <p class="alert alert-error">
          {plan.error instanceof ApiError && plan.error.status === 404
            ? r('noPlan')
            : t('error.load', { message: plan.error.message })}
        </p>
      )}
      {plan.loading && !p && <p>{t('app.loading')}</p>}
      {p && (
        <>
          <p>
            {r('status')}: <strong>{r(`status.${p.status}`)}</strong>
            {p.pausedReason && <span class="muted"> — {p.pausedReason}</span>} · {r('current')}:{' '}
            {p.current >= 0 ? `${p.current + 1}. ${p.milestones[p.current].name}` : r('none')}
          </p>
          <h2>{r('timeline')}</h2>
          <div class="table-wrap">
            <table class="data">
              <thead>
                <tr>
                  <th scope="col">{r('channel')}</th>
                  {p.milestones.map((m, i) => (
                    <th scope="col" key={`m-${i}`}>
                      {i + 1}. {m.name}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {timeline(p, channels).map((row) => (
                  <tr key={row.channel}>
                    <th scope="row">{channelLabel(t, row.channel)}</th>
                    {row.cells.map((c, i) => (
                      <td
                        key={`${row.channel}-${i}`}
                        class={`timeline-${c.state}`}
                        aria-current={c.state === 'current' ? 'step' : undefined}
                      >
                        {c.percent}%{c.rolledBack && <span class="tone-bad"> {r('rolledBack')}</span>}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <h2>{r('gates')}</h2>
          <ul>
            {gate(p.gates.planApproved, r('gatePlan'))}
            {gate(
              p.gates.hold.passed,
              r('gateHold', { elapsed: p.gates.hold.elapsedMinutes, required: p.gates.hold.requiredMinutes }),
            )}
            {gate(
              p.gates.exposedUnits.passed,
              r('gateExposed', {
                observed: p.gates.exposedUnits.observed,
                required: p.gates.exposedUnits.required,
              }),
            )}
            {gate(
              p.gates.safeguards.passed,
              p.gates.safeguards.passed
                ? r('gateSafeguards')
                : r('gateSafeguardsDegraded', { which: p.gates.safeguards.degraded.join(', ') }),
            )}
            {p.gates.approval &&
              gate(
                p.gates.approval.passed,
                r('gateApproval', {
                  m: p.gates.approval.milestone + 1,
                  who: p.gates.approval.by.join(' / '),
                }),
              )}
          </ul>
          <h2>{r('safeguards')}</h2>
          <div class="table-wrap">
            <table class="data">
              <thead>
                <tr>
                  <th scope="col">{r('check')}</th>
                  <th scope="col">{r('channel')}</th>
                  <th scope="col">{r('status')}</th>
                  <th scope="col">{r('evidence')}</th>
                </tr>
              </thead>
              <tbody>
                {p.safeguards.flatMap((s) =>
                  s.checks.map((c) => (
                    <tr key={`${c.safeguard}-${c.channel ?? 'all'}`}>
                      <th scope="row">{c.safeguard}</th>
                      <td>{c.channel ? channelLabel(t, c.channel) : r('all')}</td>
                      <td class={c.status === 'degraded' ? 'tone-bad' : undefined}>
                        {r(`check.${c.status}`)}
                      </td>
                      <td>
                        <code>
                          {Object.entries(c.evidence)
                            .map(([k, v]) => `${k}=${typeof v === 'number' ? Number(v.toPrecision(4)) : v}`)
                            .join(' ')}
                        </code>
                      </td>
                    </tr>
                  )),
                )}
              </tbody>
            </table>
          </div>
          <div class="actions">
            {p.status === 'pending-approval' && (
              <button type="button" class="button" onClick={() => act('approve')}>
                {r('approve')}
              </button>
            )}
            {p.status === 'active' && (
              <button type="button" class="button" onClick={() => act('pause')}>
                {r('pause')}
              </button>
            )}
            {p.status === 'paused' && (
              <button type="button" class="button" onClick={() => act('resume')}>
                {r('resume')}
              </button>
            )}
            {(p.status === 'active' || p.status === 'paused' || p.status === 'pending-approval') && (
              <>
                <button type="button" class="button" onClick={() => act('skip')}>
                  {r('skip')}
                </button>
                <button type="button" class="button button-danger" onClick={() => act('abort')}>
                  {r('abort')}
                </button>
              </>
            )}
          </div>
        </>
      )}
    </section>
  );
}
