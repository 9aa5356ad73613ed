/** Squads' home: every flag against every channel in one environment, switchable in one click. */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { useApp } from '../app-context';
import { EnvironmentSelect, initialEnvironment } from '../components/environment-select';
import { ChannelControl, KillSwitch } from '../components/flag-controls';
import { filterFlags, rolloutOf } from '../flag-state';
import { isProtection } from '../flag-words';
import { channelLabel } from '../i18n';
import { mayCreate } from '../rights';
import { href } from '../router';
import { canChangeFlag } from '../session';
import type { Flag } from '../types';
import { useFlagActions } from '../use-flag-actions';

export function FlagsPage() {
  const app = useApp();
  const { t, fmt, channels } = app;
  const [flags, setFlags] = useState<Flag[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [env, setEnv] = useState(() => initialEnvironment(app.environments.map((e) => e.name)));
  const [query, setQuery] = useState('');
  const [squad, setSquad] = useState('');
  const [tag, setTag] = useState('');
  const [archived, setArchived] = useState(false);

  async function load() {
    try {
      setFlags((await app.api.get<{ flags: Flag[] }>('/api/admin/flags')).flags);
      setError(null);
    } catch (e) {
      setError((e as Error).message);
    }
  }
  useEffect(() => {
    void load();
  }, []);

  const actions = useFlagActions((updated) => {
    setFlags((list) => (list ?? []).map((f) => (f.name === updated.name ? updated : f)));
  }, load);

  const squads = useMemo(() => [...new Set((flags ?? []).map((f) => f.squad))].sort(), [flags]);
  const tags = useMemo(() => [...new Set((flags ?? []).flatMap((f) => f.tags))].sort(), [flags]);
  const shown = useMemo(
    () =>
      archived
        ? (flags ?? []).filter((f) => f.archived).sort((a, b) => a.name.localeCompare(b.name))
        : filterFlags(flags ?? [], { query, squad, tag }),
    [flags, query, squad, tag, archived],
  );

  return (
    <section aria-labelledby="flags-title">
      <div class="title-row">
        <h1 id="flags-title">{t('flags.title')}</h1>
        {mayCreate(app.me) && (
          <a class="button button-primary" href={href({ page: 'new-flag' })}>
            {t('newFlag.button')}
          </a>
        )}
      </div>
      <div class="toolbar">
        <EnvironmentSelect value={env} onChange={setEnv} />
        <label class="field field-grow">
          <span class="field-label">{t('flags.search')}</span>
          <input
            type="search"
            value={query}
            placeholder={t('flags.searchPlaceholder')}
            onInput={(e) => setQuery(e.currentTarget.value)}
          />
        </label>
        <label class="field">
          <span class="field-label">{t('flags.squad')}</span>
          <select value={squad} onChange={(e) => setSquad(e.currentTarget.value)}>
            <option value="">{t('common.all')}</option>
            {squads.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label class="field">
          <span class="field-label">{t('flags.tag')}</span>
          <select value={tag} onChange={(e) => setTag(e.currentTarget.value)}>
            <option value="">{t('common.all')}</option>
            {tags.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label class="check">
          <input type="checkbox" checked={archived} onChange={(e) => setArchived(e.currentTarget.checked)} />
          {t('flags.showArchived')}
        </label>
      </div>
      {error && (
        <p class="alert alert-error" role="alert">
          {t('error.load', { message: error })}{' '}
          <button type="button" class="button button-small" onClick={() => void load()}>
            {t('common.retry')}
          </button>
        </p>
      )}
      {flags === null && !error && <p>{t('app.loading')}</p>}
      {flags !== null && (
        <>
          <p class="muted" aria-live="polite">
            {t('flags.count', { shown: fmt.number(shown.length), total: fmt.number(flags.length) })}
          </p>
          <div class="table-wrap">
            <table class="matrix">
              <caption class="visually-hidden">{t('flags.matrixCaption', { env })}</caption>
              <thead>
                <tr>
                  <th scope="col" class="col-flag">
                    {t('flags.flag')}
                  </th>
                  <th scope="col">{t('flags.master')}</th>
                  {channels.map((c) => (
                    <th scope="col" key={c} class="col-channel">
                      {channelLabel(t, c)}
                    </th>
                  ))}
                  <th scope="col">{t('flags.rollout')}</th>
                </tr>
              </thead>
              <tbody>
                {shown.map((flag) => {
                  const editable = canChangeFlag(app.me, flag);
                  const rollout = rolloutOf(flag.environments[env]);
                  const killed = flag.environments[env]?.enabled === false && !isProtection(flag);
                  return (
                    <tr key={flag.name} class={killed ? 'row-killed' : undefined}>
                      <th scope="row" class="col-flag">
                        <a
                          href={href({ page: 'flag', name: flag.name })}
                          aria-label={t('flags.detailsLabel', { name: flag.name })}
                        >
                          {flag.name}
                        </a>
                        {flag.description && <div class="flag-description">{flag.description}</div>}
                        <div class="chips">
                          <span class="chip chip-squad">{flag.squad}</span>
                          {flag.tags.map((tg) => (
                            <span class="chip" key={tg}>
                              {tg}
                            </span>
                          ))}
                        </div>
                      </th>
                      <td>
                        <KillSwitch flag={flag} env={env} editable={editable} actions={actions} />
                      </td>
                      {channels.map((c) => (
                        <td key={c} class="col-channel">
                          <ChannelControl
                            flag={flag}
                            env={env}
                            channel={c}
                            editable={editable}
                            actions={actions}
                          />
                        </td>
                      ))}
                      <td class="col-rollout">
                        {rollout === null
                          ? t('flags.rolloutCustom')
                          : fmt.percent(rollout / 100, { digits: 0 })}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          {shown.length === 0 && <p>{t('flags.empty')}</p>}
        </>
      )}
      {actions.dialog}
    </section>
  );
}
