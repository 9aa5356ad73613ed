/** Segments: named sets of constraints flags target; listed, created and edited by who owns them. */
import { useState } from 'preact/hooks';
import { ApiError, path } from '../api';
import { useApp } from '../app-context';
import { pendingFor } from '../change-view';
import { ConstraintsEditor, constraintText } from '../components/constraints-editor';
import { problemAt, TextAreaField, TextField } from '../components/fields';
import { PendingBanner, PendingMark } from '../components/pending-mark';
import { isPlatformAdmin, mayCreate, mayWriteFor } from '../rights';
import { href } from '../router';
import type { Constraint, SegmentDefinition } from '../types';
import { useGovernedWrite } from '../use-governed-write';
import { useResource } from '../use-resource';

export function SegmentsPage() {
  const { api, t, me, pending } = useApp();
  const list = useResource(() => api.get<{ segments: SegmentDefinition[] }>('/api/admin/segments'), []);
  const segments = [...(list.data?.segments ?? [])].sort((a, b) => a.name.localeCompare(b.name));
  return (
    <section aria-labelledby="segments-title">
      <div class="title-row">
        <h1 id="segments-title">{t('segments.title')}</h1>
        {mayCreate(me) && (
          <a class="button button-primary" href={href({ page: 'segment', id: 'new' })}>
            {t('segments.new')}
          </a>
        )}
      </div>
      <p class="muted">{t('segments.intro')}</p>
      {list.error && <p class="alert alert-error">{t('error.load', { message: list.error.message })}</p>}
      {list.loading && !list.data && <p>{t('app.loading')}</p>}
      {list.data && segments.length === 0 && <p>{t('flag.noSegments')}</p>}
      {segments.length > 0 && (
        <div class="table-wrap">
          <table class="data">
            <thead>
              <tr>
                <th scope="col">{t('segments.name')}</th>
                <th scope="col">{t('flags.squad')}</th>
                <th scope="col">{t('flag.constraints')}</th>
              </tr>
            </thead>
            <tbody>
              {segments.map((s) => (
                <tr key={s.id}>
                  <th scope="row">
                    <a href={href({ page: 'segment', id: String(s.id) })}>{s.name}</a>{' '}
                    <PendingMark requests={pendingFor(pending, { type: 'segment', id: String(s.id) })} />
                    {s.description && <div class="muted">{s.description}</div>}
                  </th>
                  <td>{s.squad ?? '—'}</td>
                  <td>
                    {s.constraints.map((c, i) => (
                      <div key={`${s.id}-${i}`}>
                        <code>{constraintText(c)}</code>
                      </div>
                    ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

export function SegmentPage({ id }: { id: string }) {
  const { api, t, me, pending } = useApp();
  const creating = id === 'new';
  const segment = useResource(
    () => (creating ? Promise.resolve(null) : api.get<SegmentDefinition>(path`/api/admin/segments/${id}`)),
    [id],
  );
  if (segment.error)
    return <p class="alert alert-error">{t('error.load', { message: segment.error.message })}</p>;
  if (!creating && !segment.data) return <p>{t('app.loading')}</p>;
  const editable = creating ? mayCreate(me) : mayWriteFor(me, segment.data?.squad);
  return (
    <article aria-labelledby="segment-title">
      <p>
        <a href={href({ page: 'segments' })}>← {t('segments.title')}</a>
      </p>
      <h1 id="segment-title">{creating ? t('segments.new') : segment.data?.name}</h1>
      {!editable && <p class="muted">{t('common.readOnly')}</p>}
      {!creating && <PendingBanner requests={pendingFor(pending, { type: 'segment', id })} />}
      <SegmentForm
        key={segment.data?.version ?? 'new'}
        segment={segment.data}
        editable={editable}
        onSaved={(s) => {
          if (creating) location.hash = href({ page: 'segment', id: String(s.id) });
          else segment.set(s);
        }}
      />
    </article>
  );
}

function SegmentForm(props: {
  segment: SegmentDefinition | null;
  editable: boolean;
  onSaved(s: SegmentDefinition): void;
}) {
  const { t, me } = useApp();
  const send = useGovernedWrite();
  const s = props.segment;
  const [name, setName] = useState(s?.name ?? '');
  const [description, setDescription] = useState(s?.description ?? '');
  const [squad, setSquad] = useState(s?.squad ?? me.squad ?? '');
  const [constraints, setConstraints] = useState<Constraint[]>(s?.constraints ?? []);
  const [problem, setProblem] = useState<{ field?: string; message: string } | null>(null);

  async function submit() {
    setProblem(null);
    const body = s
      ? { version: s.version, name, description, constraints }
      : { name, description, constraints, ...(isPlatformAdmin(me) && squad ? { squad } : {}) };
    const outcome = await send<SegmentDefinition>(
      s ? 'PUT' : 'POST',
      s ? path`/api/admin/segments/${String(s.id)}` : '/api/admin/segments',
      body,
      { what: name, applied: t('notice.saved', { name }), notifyRefusal: false },
    );
    if (outcome.kind === 'refused') {
      const e = outcome.error;
      setProblem({ field: e instanceof ApiError ? e.field : undefined, message: e.message });
    } else if (outcome.kind === 'applied') props.onSaved(outcome.body);
  }

  return (
    <form
      class="card form-grid"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <fieldset disabled={!props.editable} class="form-grid field-wide plain">
        <TextField
          label={t('segments.name')}
          value={name}
          onInput={setName}
          required
          problem={problemAt(problem, 'name')}
        />
        {!s && isPlatformAdmin(me) && <TextField label={t('flags.squad')} value={squad} onInput={setSquad} />}
        <TextAreaField
          label={t('flag.description')}
          value={description}
          onInput={setDescription}
          class="field-wide"
        />
        <div class="field-wide">
          <ConstraintsEditor constraints={constraints} onChange={setConstraints} disabled={!props.editable} />
        </div>
        <p class="muted field-wide">{t('segments.governed')}</p>
      </fieldset>
      {problem && (
        <p class="alert alert-error field-wide" role="alert">
          {t('error.generic', { message: problem.message })}
        </p>
      )}
      {props.editable && (
        <div class="actions field-wide">
          <button type="submit" class="button button-primary">
            {s ? t('common.save') : t('segments.create')}
          </button>
        </div>
      )}
    </form>
  );
}
