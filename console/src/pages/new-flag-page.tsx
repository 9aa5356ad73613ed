/** Create a flag: name, owning squad, type, description and tags; targeting and variants follow on its page. */
import { useState } from 'preact/hooks';
import { ApiError } from '../api';
import { useApp } from '../app-context';
import { problemAt, SelectField, TextAreaField, TextField } from '../components/fields';
import { flagTypeChoices } from '../components/flag-settings';
import { parseValues } from '../flag-state';
import { isPlatformAdmin, mayCreate } from '../rights';
import { href } from '../router';
import type { Flag } from '../types';
import { useGovernedWrite } from '../use-governed-write';

export function NewFlagPage() {
  const app = useApp();
  const { t, me } = app;
  const send = useGovernedWrite();
  const [name, setName] = useState('');
  const [squad, setSquad] = useState(me.squad ?? '');
  const [type, setType] = useState('release');
  const [description, setDescription] = useState('');
  const [tags, setTags] = useState('');
  const [problem, setProblem] = useState<{ field?: string; message: string } | null>(null);
  const [busy, setBusy] = useState(false);

  if (!mayCreate(me)) return <p class="alert alert-error">{t('common.readOnly')}</p>;

  async function submit() {
    setBusy(true);
    setProblem(null);
    const outcome = await send<Flag>(
      'POST',
      '/api/admin/flags',
      { name: name.trim(), squad: squad.trim(), type, description, tags: parseValues(tags) },
      { what: name.trim(), applied: t('notice.created', { name: name.trim() }), notifyRefusal: false },
    );
    setBusy(false);
    if (outcome.kind === 'refused') {
      const e = outcome.error;
      setProblem({ field: e instanceof ApiError ? e.field : undefined, message: e.message });
      return;
    }
    location.hash = href({ page: 'flag', name: name.trim() });
  }

  return (
    <section aria-labelledby="new-flag-title">
      <p>
        <a href={href({ page: 'flags' })}>← {t('nav.flags')}</a>
      </p>
      <h1 id="new-flag-title">{t('newFlag.title')}</h1>
      <p class="muted">{t('newFlag.intro')}</p>
      <form
        class="card form-grid"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <TextField
          label={t('newFlag.name')}
          value={name}
          onInput={setName}
          required
          help={t('newFlag.nameHelp')}
          problem={problemAt(problem, 'name')}
        />
        {isPlatformAdmin(me) ? (
          <TextField
            label={t('flags.squad')}
            value={squad}
            onInput={setSquad}
            required
            problem={problemAt(problem, 'squad')}
          />
        ) : (
          <TextField label={t('flags.squad')} value={squad} onInput={setSquad} disabled />
        )}
        <SelectField
          label={t('flag.type')}
          value={type}
          choices={flagTypeChoices(t)}
          onChange={setType}
          help={t('flag.typeHelp')}
        />
        <TextField
          label={t('flag.tagsField')}
          value={tags}
          onInput={setTags}
          problem={problemAt(problem, 'tags')}
        />
        <TextAreaField
          label={t('flag.description')}
          value={description}
          onInput={setDescription}
          class="field-wide"
          problem={problemAt(problem, 'description')}
        />
        {problem && !problemAt(problem, 'name', 'squad', 'tags', 'description') && (
          <p class="alert alert-error field-wide" role="alert">
            {t('error.generic', { message: problem.message })}
          </p>
        )}
        <div class="actions field-wide">
          <button type="submit" class="button button-primary" disabled={busy}>
            {t('newFlag.create')}
          </button>
        </div>
      </form>
    </section>
  );
}
