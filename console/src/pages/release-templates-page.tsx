/** Release templates: each template's milestones, per-channel shares, holds, gates and safeguards. */
import { useApp } from '../app-context';
import { channelLabel } from '../i18n';
import { useResource } from '../use-resource';
import { ReleaseTabs } from './release-tabs';
import { releaseText } from './release-text';

interface Template {
  id: string;
  name: string;
  description: string;
  milestones: {
    name: string;
    channels: Record<string, number>;
    audience?: { segment: string; channels: Record<string, number> };
    minHoldMinutes: number;
    gates: { approval?: { by: string[] }; minExposedUnits?: number };
  }[];
  safeguards: { kind: string; metric?: string; impactMetric?: string; tolerance?: number; max?: number }[];
}

export function ReleaseTemplatesPage() {
  const { api, lang, t, channels } = useApp();
  const r = releaseText(lang);
  const list = useResource(() => api.get<{ templates: Template[] }>('/api/admin/release-templates'), []);
  return (
    <section aria-labelledby="release-templates-title">
      <ReleaseTabs current="release-templates" />
      <h1 id="release-templates-title">{r('templates')}</h1>
      <p class="muted">{r('templatesIntro')}</p>
      {list.error && <p class="alert alert-error">{t('error.load', { message: list.error.message })}</p>}
      {list.loading && !list.data && <p>{t('app.loading')}</p>}
      {(list.data?.templates ?? []).map((tpl) => (
        <article key={tpl.id} aria-labelledby={`tpl-${tpl.id}`}>
          <h2 id={`tpl-${tpl.id}`}>
            {tpl.name} <code>{tpl.id}</code>
          </h2>
          {tpl.description && <p class="muted">{tpl.description}</p>}
          <div class="table-wrap">
            <table class="data">
              <thead>
                <tr>
                  <th scope="col">{r('milestone')}</th>
                  {channels.map((c) => (
                    <th scope="col" key={c}>
                      {channelLabel(t, c)}
                    </th>
                  ))}
                  <th scope="col">{r('hold')}</th>
                  <th scope="col">{r('gates')}</th>
                </tr>
              </thead>
              <tbody>
                {tpl.milestones.map((m, i) => (
                  <tr key={`${tpl.id}-${i}`}>
                    <th scope="row">
                      {i + 1}. {m.name}
                      {m.audience && <div class="muted">{m.audience.segment}</div>}
                    </th>
                    {channels.map((c) => (
                      <td key={c}>
                        {m.channels[c]
                          ? `${m.channels[c]}%`
                          : m.audience?.channels[c]
                            ? `${m.audience.segment}`
                            : '—'}
                      </td>
                    ))}
                    <td>{m.minHoldMinutes} min</td>
                    <td>
                      {m.gates.approval && (
                        <div>{r('approvalBy', { who: m.gates.approval.by.join(' / ') })}</div>
                      )}
                      {m.gates.minExposedUnits !== undefined && (
                        <div>{r('minExposed', { n: m.gates.minExposedUnits })}</div>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <p>
            {r('safeguards')}:{' '}
            {tpl.safeguards.map((s) => s.metric ?? `${s.kind}:${s.impactMetric}`).join(', ') || '—'}
          </p>
        </article>
      ))}
    </section>
  );
}
