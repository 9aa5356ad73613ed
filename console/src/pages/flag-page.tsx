/** One flag: its state per channel, targeting (rollout, constraints, segments), variants and audit history. */
import { useEffect, useState } from 'preact/hooks';
import { ApiError, path } from '../api';
import { useApp } from '../app-context';
import { pendingFor } from '../change-view';
import { ConstraintsEditor } from '../components/constraints-editor';
import { EnvironmentSelect, initialEnvironment } from '../components/environment-select';
import { ChannelControl, KillSwitch } from '../components/flag-controls';
import { FlagSettings } from '../components/flag-settings';
import { PendingBanner } from '../components/pending-mark';
import { isSimpleTargeting, strategiesFor, type Targeting, targetingOf } from '../flag-state';
import { channelLabel } from '../i18n';
import { labelOf } from '../labels';
import { href } from '../router';
import { canChangeFlag } from '../session';
import type { AuditEntry, Flag, SegmentDefinition, VariantDefinition } from '../types';
import { useFlagActions } from '../use-flag-actions';
import { VerifiedMark } from './audit-page';

const PAYLOAD_TYPES = ['string', 'json', 'number', 'csv'];

export function FlagPage({ name }: { name: string }) {
  const app = useApp();
  const { t, fmt, channels } = app;
  const [flag, setFlag] = useState<Flag | null>(null);
  const [missing, setMissing] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [audit, setAudit] = useState<AuditEntry[]>([]);
  const [segments, setSegments] = useState<SegmentDefinition[]>([]);
  const [env, setEnv] = useState(() => initialEnvironment(app.environments.map((e) => e.name)));

  async function loadAudit() {
    const res = await app.api.get<{ entries: AuditEntry[] }>(path`/api/admin/flags/${name}/audit`);
    setAudit(res.entries);
  }
  async function load() {
    try {
      setFlag(await app.api.get<Flag>(path`/api/admin/flags/${name}`));
      await loadAudit();
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) setMissing(true);
      else setError((e as Error).message);
    }
  }
  useEffect(() => {
    void load();
    app.api
      .get<{ segments: SegmentDefinition[] }>('/api/admin/segments')
      .then((res) => setSegments(res.segments))
      .catch(() => setSegments([]));
  }, [name]);

  const actions = useFlagActions((updated) => {
    setFlag(updated);
    void loadAudit().catch(() => undefined);
  }, load);

  if (missing) return <p class="alert alert-error">{t('flag.notFound', { name })}</p>;
  if (error)
    return (
      <p class="alert alert-error" role="alert">
        {t('error.load', { message: error })}
      </p>
    );
  if (!flag) return <p>{t('app.loading')}</p>;
  const editable = canChangeFlag(app.me, flag);

  return (
    <article aria-labelledby="flag-title">
      <p>
        <a href={href({ page: 'flags' })}>← {t('nav.flags')}</a>
      </p>
      <h1 id="flag-title">{flag.name}</h1>
      {!editable && <p class="muted">{t('common.readOnly')}</p>}
      {flag.archived && <p class="alert alert-warning">{t('flag.archivedNote')}</p>}
      <PendingBanner requests={pendingFor(app.pending, { type: 'flag', id: flag.name })} />
      <section class="card" aria-labelledby="summary-title">
        <h2 id="summary-title">{t('flag.summary')}</h2>
        <dl class="facts">
          <dt>{t('flag.description')}</dt>
          <dd>{flag.description || '—'}</dd>
          <dt>{t('flags.squad')}</dt>
          <dd>{flag.squad}</dd>
          <dt>{t('flag.type')}</dt>
          <dd>{labelOf(t, 'flagType', flag.type)}</dd>
          <dt>{t('flag.tags')}</dt>
          <dd>{flag.tags.length > 0 ? flag.tags.join(', ') : '—'}</dd>
          <dt>{t('flag.version')}</dt>
          <dd>{flag.version}</dd>
          <dt>{t('flag.updated')}</dt>
          <dd>{fmt.dateTime(flag.updatedAt)}</dd>
        </dl>
      </section>

      <section class="card" aria-labelledby="state-title">
        <div class="card-head">
          <h2 id="state-title">{t('flag.stateIn', { env })}</h2>
          {app.environments.find((e) => e.name === env)?.protected && (
            <span class="badge badge-protected" title={t('env.protectedHelp')}>
              {t('env.protected')}
            </span>
          )}
          <EnvironmentSelect value={env} onChange={setEnv} />
        </div>
        <div class="channel-grid">
          <div class="channel-cell">
            <span>{t('flags.master')}</span>
            <KillSwitch flag={flag} env={env} editable={editable} actions={actions} />
          </div>
          {channels.map((c) => (
            <div class="channel-cell" key={c}>
              <span>{channelLabel(t, c)}</span>
              <ChannelControl flag={flag} env={env} channel={c} editable={editable} actions={actions} />
            </div>
          ))}
        </div>
        <TargetingEditor
          key={`${flag.version}-${env}`}
          flag={flag}
          env={env}
          editable={editable}
          segments={segments}
          onSave={(targeting) => actions.saveTargeting(flag, env, strategiesFor(flag, targeting))}
        />
      </section>

      <VariantsEditor
        key={`variants-${flag.version}`}
        flag={flag}
        editable={editable}
        onSave={(variants) => actions.saveVariants(flag, variants)}
      />

      <FlagSettings key={`settings-${flag.version}`} flag={flag} editable={editable} actions={actions} />

      <section class="card" aria-labelledby="audit-title">
        <h2 id="audit-title">{t('flag.audit')}</h2>
        {audit.length === 0 ? (
          <p>{t('flag.noAudit')}</p>
        ) : (
          <div class="table-wrap">
            <table class="data">
              <thead>
                <tr>
                  <th scope="col">{t('flag.auditAt')}</th>
                  <th scope="col">{t('flag.auditActor')}</th>
                  <th scope="col">{t('flag.auditAction')}</th>
                  <th scope="col">{t('flag.auditEnvs')}</th>
                  <th scope="col">{t('audit.verified')}</th>
                </tr>
              </thead>
              <tbody>
                {audit.map((entry) => (
                  <tr key={entry.id}>
                    <td>{fmt.dateTime(entry.at)}</td>
                    <td>{entry.actor}</td>
                    <td>
                      <code>{entry.action}</code>
                    </td>
                    <td>{entry.environments.join(', ')}</td>
                    <td>
                      <VerifiedMark entry={entry} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      {actions.dialog}
    </article>
  );
}

function TargetingEditor(props: {
  flag: Flag;
  env: string;
  editable: boolean;
  segments: SegmentDefinition[];
  onSave(targeting: Targeting): Promise<boolean>;
}) {
  const { t } = useApp();
  const state = props.flag.environments[props.env];
  const [targeting, setTargeting] = useState<Targeting>(() => targetingOf(state));
  const simple = isSimpleTargeting(state);
  const editable = props.editable && simple;
  const update = (changes: Partial<Targeting>) => setTargeting((current) => ({ ...current, ...changes }));

  return (
    <form
      class="targeting"
      onSubmit={(e) => {
        e.preventDefault();
        void props.onSave(targeting);
      }}
    >
      {!simple && <pre class="strategies">{JSON.stringify(state?.strategies ?? [], null, 2)}</pre>}
      <fieldset disabled={!editable}>
        <legend>{t('flag.rolloutPercent')}</legend>
        <p class="muted" id="rollout-help">
          {t('flag.rolloutHelp')}
        </p>
        <div class="rollout">
          <input
            type="range"
            min={0}
            max={100}
            step={1}
            value={targeting.rollout}
            aria-label={t('flag.rolloutPercent')}
            aria-describedby="rollout-help"
            onInput={(e) => update({ rollout: Number(e.currentTarget.value) })}
          />
          <label class="field field-inline">
            <input
              type="number"
              min={0}
              max={100}
              value={targeting.rollout}
              onInput={(e) => update({ rollout: Number(e.currentTarget.value) })}
            />
            <span class="field-label">%</span>
          </label>
        </div>
      </fieldset>
      <ConstraintsEditor
        constraints={targeting.constraints}
        onChange={(constraints) => update({ constraints })}
        disabled={!editable}
      />
      <fieldset disabled={!editable}>
        <legend>{t('flag.segments')}</legend>
        {props.segments.length === 0 ? (
          <p>{t('flag.noSegments')}</p>
        ) : (
          <div class="checks">
            {props.segments.map((s) => (
              <label key={s.id} class="check">
                <input
                  type="checkbox"
                  checked={targeting.segments.includes(s.id)}
                  onChange={(e) =>
                    update({
                      segments: e.currentTarget.checked
                        ? [...targeting.segments, s.id]
                        : targeting.segments.filter((id) => id !== s.id),
                    })
                  }
                />
                {s.name}
              </label>
            ))}
          </div>
        )}
      </fieldset>
      {editable && (
        <button type="submit" class="button button-primary">
          {t('flag.saveTargeting')}
        </button>
      )}
    </form>
  );
}

function VariantsEditor(props: {
  flag: Flag;
  editable: boolean;
  onSave(v: VariantDefinition[]): Promise<boolean>;
}) {
  const { t } = useApp();
  const [variants, setVariants] = useState<VariantDefinition[]>(() =>
    props.flag.variants.map((v) => ({ ...v })),
  );
  const change = (i: number, changes: Partial<VariantDefinition>) =>
    setVariants((list) => list.map((v, j) => (j === i ? { ...v, ...changes } : v)));

  return (
    <section class="card" aria-labelledby="variants-title">
      <h2 id="variants-title">{t('flag.variants')}</h2>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void props.onSave(variants);
        }}
      >
        {variants.length === 0 && <p>{t('flag.noVariants')}</p>}
        <fieldset disabled={!props.editable} class="variants">
          <legend class="visually-hidden">{t('flag.variants')}</legend>
          {variants.map((v, i) => (
            <div class="variant-row" key={`variant-${i}`}>
              <label class="field">
                <span class="field-label">{t('flag.variantName')}</span>
                <input required value={v.name} onInput={(e) => change(i, { name: e.currentTarget.value })} />
              </label>
              <label class="field">
                <span class="field-label">{t('flag.weightType')}</span>
                <select
                  value={v.weightType ?? 'variable'}
                  onChange={(e) => change(i, { weightType: e.currentTarget.value as 'variable' | 'fix' })}
                >
                  <option value="variable">{t('flag.weightVariable')}</option>
                  <option value="fix">{t('flag.weightFix')}</option>
                </select>
              </label>
              <label class="field field-narrow">
                <span class="field-label">{t('flag.weight')}</span>
                <input
                  type="number"
                  min={0}
                  max={1000}
                  value={v.weight}
                  disabled={(v.weightType ?? 'variable') === 'variable'}
                  onInput={(e) => change(i, { weight: Number(e.currentTarget.value) })}
                />
              </label>
              <label class="field">
                <span class="field-label">{t('flag.payloadType')}</span>
                <select
                  value={v.payload?.type ?? ''}
                  onChange={(e) => {
                    const type = e.currentTarget.value;
                    change(i, { payload: type ? { type, value: v.payload?.value ?? '' } : undefined });
                  }}
                >
                  <option value="">{t('common.none')}</option>
                  {PAYLOAD_TYPES.map((p) => (
                    <option key={p} value={p}>
                      {p}
                    </option>
                  ))}
                </select>
              </label>
              <label class="field field-grow">
                <span class="field-label">{t('flag.payloadValue')}</span>
                <input
                  value={v.payload?.value ?? ''}
                  disabled={!v.payload}
                  onInput={(e) =>
                    change(i, {
                      payload: { type: v.payload?.type ?? 'string', value: e.currentTarget.value },
                    })
                  }
                />
              </label>
              <button
                type="button"
                class="button button-small"
                aria-label={`${t('common.remove')}: ${v.name}`}
                onClick={() => setVariants((list) => list.filter((_, j) => j !== i))}
              >
                {t('common.remove')}
              </button>
            </div>
          ))}
        </fieldset>
        {props.editable && (
          <div class="actions">
            <button
              type="button"
              class="button"
              onClick={() =>
                setVariants((list) => [
                  ...list,
                  {
                    name: `variant-${list.length + 1}`,
                    weight: 0,
                    weightType: 'variable',
                    stickiness: 'default',
                  },
                ])
              }
            >
              {t('flag.addVariant')}
            </button>
            <button type="submit" class="button button-primary">
              {t('flag.saveVariants')}
            </button>
          </div>
        )}
      </form>
    </section>
  );
}
