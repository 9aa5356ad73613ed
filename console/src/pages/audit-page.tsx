/**
 * The audit trail for risk and audit: the hash chain verified on the server (each hash recomputed,
 * each link checked), the entries with their verification status, and the export (CSV or JSON)
 * auditors re-verify offline. Platform admins, product owners and auditors only, as the API.
 */
import { useState } from 'preact/hooks';
import { useApp } from '../app-context';
import { mayReadAudit } from '../rights';
import type { AuditEntry } from '../types';
import { useResource } from '../use-resource';

interface Verification {
  ok: boolean;
  checked: number;
  firstBrokenSequence?: number;
  reason?: string;
  head?: { sequence?: number; hash?: string } | null;
}

/** An entry read per flag carries `verified`: true when its copy is the chain's entry, unaltered. */
export function VerifiedMark({ entry, broken }: { entry: AuditEntry; broken?: number }) {
  const { t } = useApp();
  const ok = broken !== undefined ? entry.sequence !== undefined && entry.sequence < broken : entry.verified;
  if (ok === undefined) return <span class="muted">—</span>;
  return ok ? (
    <span class="verified verified-ok" role="img" aria-label={t('audit.verifiedYes')}>
      ✓ {t('audit.verifiedYes')}
    </span>
  ) : (
    <span class="verified verified-bad" role="img" aria-label={t('audit.verifiedNo')}>
      ✗ {t('audit.verifiedNo')}
    </span>
  );
}

function download(name: string, text: string, type: string) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function AuditPage() {
  const { api, t, fmt, me } = useApp();
  const [limit, setLimit] = useState(50);
  const verify = useResource(() => api.get<Verification>('/api/admin/audit/verify'), []);
  const entries = useResource(
    () => api.get<{ entries: AuditEntry[] }>('/api/admin/audit/export?format=json'),
    [],
  );
  if (!mayReadAudit(me)) return <p class="alert alert-error">{t('audit.notAllowed')}</p>;
  const v = verify.data;
  const broken = v ? (v.ok ? Number.POSITIVE_INFINITY : (v.firstBrokenSequence ?? 0)) : undefined;
  const shown = [...(entries.data?.entries ?? [])].reverse().slice(0, limit);
  return (
    <section aria-labelledby="audit-title">
      <h1 id="audit-title">{t('audit.title')}</h1>
      <p class="muted">{t('audit.intro')}</p>
      <section class="card" aria-labelledby="verify-title">
        <div class="card-head">
          <h2 id="verify-title">{t('audit.chain')}</h2>
          <button type="button" class="button button-small" onClick={() => void verify.reload()}>
            {t('audit.verifyAgain')}
          </button>
        </div>
        {verify.error && (
          <p class="alert alert-error">{t('error.load', { message: verify.error.message })}</p>
        )}
        {v &&
          (v.ok ? (
            <p class="alert alert-success" role="status">
              {t('audit.chainOk', { checked: fmt.number(v.checked) })}
            </p>
          ) : (
            <p class="alert alert-error" role="alert">
              {t('audit.chainBroken', {
                sequence: String(v.firstBrokenSequence ?? '?'),
                reason: v.reason ?? '',
                checked: fmt.number(v.checked),
              })}
            </p>
          ))}
        {v?.head?.hash && (
          <p class="muted">
            {t('audit.head', { sequence: String(v.head.sequence ?? ''), hash: v.head.hash })}
          </p>
        )}
        <div class="actions">
          <button
            type="button"
            class="button"
            onClick={async () =>
              download(
                'omnilab-audit.csv',
                await api.text('/api/admin/audit/export?format=csv'),
                'text/csv;charset=utf-8',
              )
            }
          >
            {t('audit.exportCsv')}
          </button>
          <button
            type="button"
            class="button"
            onClick={async () =>
              download(
                'omnilab-audit.json',
                await api.text('/api/admin/audit/export?format=json'),
                'application/json;charset=utf-8',
              )
            }
          >
            {t('audit.exportJson')}
          </button>
        </div>
      </section>
      <section class="card" aria-labelledby="entries-title">
        <h2 id="entries-title">{t('audit.entries')}</h2>
        {entries.error && (
          <p class="alert alert-error">{t('error.load', { message: entries.error.message })}</p>
        )}
        {entries.data && shown.length === 0 && <p>{t('flag.noAudit')}</p>}
        {shown.length > 0 && (
          <div class="table-wrap">
            <table class="data">
              <thead>
                <tr>
                  <th scope="col">#</th>
                  <th scope="col">{t('flag.auditAt')}</th>
                  <th scope="col">{t('flag.auditActor')}</th>
                  <th scope="col">{t('flag.auditAction')}</th>
                  <th scope="col">{t('audit.target')}</th>
                  <th scope="col">{t('flag.auditEnvs')}</th>
                  <th scope="col">{t('audit.approval')}</th>
                  <th scope="col">{t('audit.verified')}</th>
                </tr>
              </thead>
              <tbody>
                {shown.map((e) => (
                  <tr key={e.id}>
                    <td>{e.sequence}</td>
                    <td>{fmt.dateTime(e.at)}</td>
                    <td>{e.actor}</td>
                    <td>
                      <code>{e.action}</code>
                    </td>
                    <td>
                      {e.target.type} <code>{e.target.id}</code>
                    </td>
                    <td>{e.environments.join(', ')}</td>
                    <td>
                      {e.emergency ? (
                        t('audit.emergency', { reason: e.emergency })
                      ) : e.changeRequest ? (
                        <code>{e.changeRequest}</code>
                      ) : (
                        '—'
                      )}
                    </td>
                    <td>
                      <VerifiedMark entry={e} broken={broken} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {(entries.data?.entries.length ?? 0) > limit && (
          <button type="button" class="button" onClick={() => setLimit(limit + 100)}>
            {t('audit.more')}
          </button>
        )}
      </section>
    </section>
  );
}
