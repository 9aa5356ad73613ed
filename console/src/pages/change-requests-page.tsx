/**
 * The change-request inbox: what waits for a second person, what each request would change (its
 * exact change as lines of before → after, per environment, and its computed effect), and the
 * actions the signed-in person may take on it: approve, review, reject, withdraw, apply.
 */
import { useState } from 'preact/hooks';
import { type Api, path } from '../api';
import { useApp } from '../app-context';
import {
  type ChangeLine,
  type ChangeRequest,
  changeLines,
  EVERY_ENVIRONMENT,
  INBOX_STATUSES,
  linesByScope,
  requestActions,
  whyNotApprove,
} from '../change-view';
import { useConfirm } from '../components/confirm-dialog';
import { TextAreaField } from '../components/fields';
import { channelLabel, type Translate } from '../i18n';
import { labelOf } from '../labels';
import { href } from '../router';
import { useGovernedWrite } from '../use-governed-write';
import { useResource } from '../use-resource';

export function statusText(t: Translate, status: ChangeRequest['status']): string {
  return labelOf(t, 'crStatus', status);
}

function kindText(t: Translate, kind: ChangeRequest['kind']): string {
  return labelOf(t, 'crKind', kind);
}

/** Every change request the list gives at `listPath`, page after page (following `next`). */
export async function listChangeRequests(
  api: Api,
  listPath: string,
): Promise<{ changeRequests: ChangeRequest[] }> {
  const changeRequests: ChangeRequest[] = [];
  let next: string | undefined;
  do {
    const page: { changeRequests: ChangeRequest[]; next?: string } = await api.get(
      next === undefined
        ? listPath
        : `${listPath}${listPath.includes('?') ? '&' : '?'}next=${encodeURIComponent(next)}`,
    );
    changeRequests.push(...page.changeRequests);
    next = page.next;
  } while (next !== undefined);
  return { changeRequests };
}

export function ChangeRequestsPage() {
  const { api, t, fmt } = useApp();
  const [all, setAll] = useState(false);
  const list = useResource(
    () =>
      listChangeRequests(
        api,
        all ? '/api/admin/change-requests' : `/api/admin/change-requests?status=${INBOX_STATUSES.join(',')}`,
      ),
    [all],
  );
  const requests = list.data?.changeRequests ?? [];
  return (
    <section aria-labelledby="changes-title">
      <h1 id="changes-title">{t('changes.title')}</h1>
      <p class="muted">{t('changes.intro')}</p>
      <fieldset class="segmented">
        <legend class="visually-hidden">{t('changes.show')}</legend>
        <button type="button" class="segment" aria-pressed={!all} onClick={() => setAll(false)}>
          {t('changes.waiting')}
        </button>
        <button type="button" class="segment" aria-pressed={all} onClick={() => setAll(true)}>
          {t('common.all')}
        </button>
      </fieldset>
      {list.error && (
        <p class="alert alert-error" role="alert">
          {t('error.load', { message: list.error.message })}
        </p>
      )}
      {list.loading && !list.data && <p>{t('app.loading')}</p>}
      {list.data && requests.length === 0 && <p>{t('changes.empty')}</p>}
      {requests.length > 0 && (
        <div class="table-wrap">
          <table class="data">
            <thead>
              <tr>
                <th scope="col">{t('changes.request')}</th>
                <th scope="col">{t('changes.kind')}</th>
                <th scope="col">{t('experiments.status')}</th>
                <th scope="col">{t('changes.author')}</th>
                <th scope="col">{t('changes.environments')}</th>
                <th scope="col">{t('changes.opened')}</th>
              </tr>
            </thead>
            <tbody>
              {requests.map((cr) => (
                <tr key={cr.id}>
                  <th scope="row">
                    <a href={href({ page: 'change', id: cr.id })}>{cr.title}</a>
                    <div class="muted">
                      <code>{cr.id}</code>
                    </div>
                  </th>
                  <td>{kindText(t, cr.kind)}</td>
                  <td>
                    <span class={`badge badge-cr-${cr.status}`}>{statusText(t, cr.status)}</span>
                  </td>
                  <td>{cr.author.name}</td>
                  <td>{cr.environments.join(', ') || '—'}</td>
                  <td>{fmt.dateTime(cr.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function valueText(t: Translate, line: ChangeLine, value: unknown, present: boolean): string {
  if (!present) return t('diff.absent');
  if (typeof value === 'boolean' && (line.field === 'enabled' || line.field.startsWith('channels.')))
    return value ? t('common.onWord') : t('common.offWord');
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 400 ? `${text.slice(0, 400)}…` : text;
}

function fieldText(t: Translate, line: ChangeLine): string {
  if (line.field === 'enabled') return t('flags.master');
  if (line.field.startsWith('channels.'))
    return t('diff.channel', { channel: channelLabel(t, line.field.slice(9)) });
  return line.field || t('diff.whole');
}

export function ChangeDiff({ cr }: { cr: ChangeRequest }) {
  const { t } = useApp();
  const lines = changeLines(cr);
  if (lines.length === 0)
    return (
      <p class="muted">
        {cr.writes ? t('changes.writesOnly', { count: cr.writes.length }) : t('changes.noLines')}
      </p>
    );
  return (
    <div class="diff">
      {linesByScope(lines).map(([scope, group]) => (
        <section
          key={scope}
          class="diff-scope"
          aria-label={scope === EVERY_ENVIRONMENT ? t('diff.everyEnvironment') : t('diff.in', { env: scope })}
        >
          <h3>{scope === EVERY_ENVIRONMENT ? t('diff.everyEnvironment') : t('diff.in', { env: scope })}</h3>
          <table class="data diff-table">
            <thead>
              <tr>
                <th scope="col">{t('diff.target')}</th>
                <th scope="col">{t('diff.field')}</th>
                <th scope="col">{t('diff.before')}</th>
                <th scope="col">{t('diff.after')}</th>
              </tr>
            </thead>
            <tbody>
              {group.map((l, i) => (
                <tr key={`${l.target.id}-${l.field}-${i}`}>
                  <td>
                    {labelOf(t, 'target', l.target.type)} <code>{l.target.id}</code>
                  </td>
                  <td>{fieldText(t, l)}</td>
                  <td class="diff-before">
                    <code>{valueText(t, l, l.before, 'before' in l && l.before !== undefined)}</code>
                  </td>
                  <td class="diff-after">
                    <code>{valueText(t, l, l.after, 'after' in l && l.after !== undefined)}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ))}
    </div>
  );
}

function EffectSummary({ cr }: { cr: ChangeRequest }) {
  const { t } = useApp();
  const effect = cr.effect;
  if (!effect) return null;
  const served = Object.entries(effect.served).flatMap(([env, features]) =>
    Object.entries(features).map(([feature, how]) => ({ env, feature, how })),
  );
  if (served.length === 0 && effect.definitions.length === 0 && effect.declared.length === 0)
    return <p>{t('effect.none')}</p>;
  return (
    <ul class="effect">
      {served.map((s) => (
        <li key={`${s.env}-${s.feature}`}>
          {t(s.how === 'reduced' ? 'effect.reduced' : 'effect.changed', { env: s.env, feature: s.feature })}
        </li>
      ))}
      {effect.definitions.map((d) => (
        <li key={d}>{t('effect.definition', { what: d })}</li>
      ))}
      {effect.declared.map((d) => (
        <li key={d}>{t('effect.declared', { why: d })}</li>
      ))}
    </ul>
  );
}

export function ChangeRequestPage({ id }: { id: string }) {
  const app = useApp();
  const { api, t, fmt, me } = app;
  const send = useGovernedWrite();
  const [dialog, ask] = useConfirm(t);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const request = useResource(() => api.get<ChangeRequest>(path`/api/admin/change-requests/${id}`), [id]);
  const cr = request.data;
  if (request.error)
    return (
      <p class="alert alert-error" role="alert">
        {t('error.load', { message: request.error.message })}
      </p>
    );
  if (!cr) return <p>{t('app.loading')}</p>;
  const can = requestActions(me, cr);
  const why = whyNotApprove(me, cr);

  async function act(
    action: 'approve' | 'reject' | 'apply',
    success: string,
    body: Record<string, unknown> = {},
  ) {
    if (!cr) return;
    setBusy(true);
    const outcome = await send<ChangeRequest>(
      'POST',
      path`/api/admin/change-requests/${cr.id}/${action}`,
      { version: cr.version, ...body },
      { what: cr.title, applied: success },
    );
    setBusy(false);
    if (outcome.kind === 'applied') request.set(outcome.body);
    else await request.reload();
    void app.refreshPending();
  }

  const currentApprovals = cr.approvals.filter((a) => a.revision === cr.revision && a.digest === cr.digest);

  return (
    <article aria-labelledby="change-title">
      <p>
        <a href={href({ page: 'changes' })}>← {t('changes.title')}</a>
      </p>
      <div class="title-row">
        <h1 id="change-title">{cr.title}</h1>
        <span class={`badge badge-cr-${cr.status}`}>{statusText(t, cr.status)}</span>
      </div>
      <section class="card" aria-labelledby="cr-facts">
        <h2 id="cr-facts">{t('changes.facts')}</h2>
        <dl class="facts">
          <dt>{t('changes.kind')}</dt>
          <dd>{kindText(t, cr.kind)}</dd>
          <dt>{t('changes.author')}</dt>
          <dd>{cr.author.name}</dd>
          <dt>{t('changes.opened')}</dt>
          <dd>{fmt.dateTime(cr.createdAt)}</dd>
          <dt>{t('changes.environments')}</dt>
          <dd>{cr.environments.join(', ') || '—'}</dd>
          <dt>{t('changes.approvals')}</dt>
          <dd>
            {t('changes.approvalsCount', { have: currentApprovals.length, need: cr.requiredApprovals })}
            {currentApprovals.length > 0 && ` (${currentApprovals.map((a) => a.by).join(', ')})`}
          </dd>
          <dt>{t('changes.revision')}</dt>
          <dd>{cr.revision}</dd>
          {cr.emergencyReason && (
            <>
              <dt>{t('changes.emergencyReason')}</dt>
              <dd>{cr.emergencyReason}</dd>
            </>
          )}
          {cr.reviewDueAt && (
            <>
              <dt>{t('changes.reviewDue')}</dt>
              <dd>{fmt.dateTime(cr.reviewDueAt)}</dd>
            </>
          )}
          {cr.applyAt && (
            <>
              <dt>{t('changes.applyAt')}</dt>
              <dd>{fmt.dateTime(cr.applyAt)}</dd>
            </>
          )}
          {cr.steps && cr.steps.length > 0 && (
            <>
              <dt>{t('changes.steps')}</dt>
              <dd>
                <ol class="steps">
                  {cr.steps.map((step) => (
                    <li key={step.at}>
                      {t(step.appliedAt ? 'changes.stepApplied' : 'changes.step', {
                        percent: step.percent,
                        at: fmt.dateTime(step.at),
                        applied: step.appliedAt ? fmt.dateTime(step.appliedAt) : '',
                      })}
                    </li>
                  ))}
                </ol>
              </dd>
            </>
          )}
          {cr.decidedBy && (
            <>
              <dt>{t('changes.decidedBy')}</dt>
              <dd>
                {cr.decidedBy}
                {cr.reason ? ` — ${cr.reason}` : ''}
              </dd>
            </>
          )}
          {cr.result?.message && (
            <>
              <dt>{t('changes.result')}</dt>
              <dd>{cr.result.message}</dd>
            </>
          )}
        </dl>
      </section>
      <section class="card" aria-labelledby="cr-effect">
        <h2 id="cr-effect">{t('changes.effect')}</h2>
        <p class="muted">{t('changes.effectHelp')}</p>
        <EffectSummary cr={cr} />
      </section>
      <section class="card" aria-labelledby="cr-diff">
        <h2 id="cr-diff">{t('changes.diff')}</h2>
        <ChangeDiff cr={cr} />
      </section>
      <section class="card" aria-labelledby="cr-actions">
        <h2 id="cr-actions">{t('changes.decide')}</h2>
        {!(can.approve || can.review || can.reject || can.withdraw || can.apply) && (
          <p class="muted">
            {why && cr.status === 'open' ? t('changes.mayNot', { why }) : t('changes.nothingToDo')}
          </p>
        )}
        {(can.reject || can.withdraw) && (
          <TextAreaField label={t('changes.reason')} value={reason} onInput={setReason} rows={2} />
        )}
        <div class="actions">
          {can.approve && (
            <button
              type="button"
              class="button button-primary"
              disabled={busy}
              onClick={() => void act('approve', t('notice.approved', { id: cr.id }))}
            >
              {t('changes.approve')}
            </button>
          )}
          {can.review && (
            <button
              type="button"
              class="button button-primary"
              disabled={busy}
              onClick={() => void act('approve', t('notice.reviewed', { id: cr.id }))}
            >
              {t('changes.review')}
            </button>
          )}
          {can.apply && (
            <button
              type="button"
              class="button button-primary"
              disabled={busy}
              onClick={async () => {
                const ok = await ask({
                  title: t('changes.applyTitle', { envs: cr.environments.join(', ') || '—' }),
                  message: t('changes.applyConfirm', { title: cr.title }),
                  confirmLabel: t('changes.apply'),
                });
                if (ok) await act('apply', t('notice.appliedRequest', { id: cr.id }));
              }}
            >
              {t('changes.apply')}
            </button>
          )}
          {can.reject && (
            <button
              type="button"
              class="button button-danger"
              disabled={busy}
              onClick={() =>
                void act('reject', t('notice.rejected', { id: cr.id }), reason ? { reason } : {})
              }
            >
              {t('changes.reject')}
            </button>
          )}
          {can.withdraw && (
            <button
              type="button"
              class="button"
              disabled={busy}
              onClick={() =>
                void act('reject', t('notice.withdrawn', { id: cr.id }), reason ? { reason } : {})
              }
            >
              {t('changes.withdraw')}
            </button>
          )}
        </div>
      </section>
      {dialog}
    </article>
  );
}
