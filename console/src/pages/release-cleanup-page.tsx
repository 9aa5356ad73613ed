/** The cleanup report: flags to remove from code, fully rolled out or unused for N days. */
import { useState } from 'preact/hooks';
import { useApp } from '../app-context';
import { NumberField } from '../components/fields';
import { useResource } from '../use-resource';
import { ReleaseTabs } from './release-tabs';
import { releaseText } from './release-text';

interface CleanupEntry {
  flag: string;
  squad: string;
  reason: 'fully-rolled-out' | 'unused';
  since: string;
}

export function ReleaseCleanupPage() {
  const { api, lang, t } = useApp();
  const r = releaseText(lang);
  const [days, setDays] = useState(30);
  const valid = Number.isInteger(days) && days >= 1 && days <= 9999;
  const report = useResource(
    () =>
      valid
        ? api.get<{ days: number; flags: CleanupEntry[] }>(`/api/admin/release-cleanup?days=${days}`)
        : Promise.resolve(null),
    [days],
  );
  const flags = report.data?.flags ?? [];
  return (
    <section aria-labelledby="release-cleanup-title">
      <ReleaseTabs current="release-cleanup" />
      <h1 id="release-cleanup-title">{r('cleanup')}</h1>
      <p class="muted">{r('cleanupIntro')}</p>
      <NumberField label={r('unusedDays')} value={days} min={1} max={9999} step={1} onInput={setDays} />
      {report.error && <p class="alert alert-error">{t('error.load', { message: report.error.message })}</p>}
      {report.loading && !report.data && <p>{t('app.loading')}</p>}
      {report.data && (
        <p id="cleanup-count">
          {flags.length === 0 ? r('noCleanup') : r('cleanupCount', { n: flags.length })}
        </p>
      )}
      {flags.length > 0 && (
        <div class="table-wrap">
          <table class="data" id="cleanup-table">
            <thead>
              <tr>
                <th scope="col">{r('flag')}</th>
                <th scope="col">{r('squad')}</th>
                <th scope="col">{r('reason')}</th>
                <th scope="col">{r('since')}</th>
              </tr>
            </thead>
            <tbody>
              {flags.map((f) => (
                <tr key={f.flag} data-flag={f.flag}>
                  <th scope="row">
                    <code>{f.flag}</code>
                  </th>
                  <td>{f.squad}</td>
                  <td class="cleanup-reason">{r(`reason.${f.reason}`)}</td>
                  <td>{f.since.slice(0, 10)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
