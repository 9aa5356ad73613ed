/** A flag's settings: description, type, tags, owning squad, and archiving. */
import { useState } from 'preact/hooks';
import { FLAG_TYPES } from '../../../shared/model/flag';
import { useApp } from '../app-context';
import { parseValues } from '../flag-state';
import type { MessageKey } from '../i18n';
import { labelOf } from '../labels';
import { isPlatformAdmin } from '../rights';
import type { Flag } from '../types';
import type { useFlagActions } from '../use-flag-actions';
import { SelectField, TextAreaField, TextField } from './fields';

type Actions = ReturnType<typeof useFlagActions>;

export function flagTypeChoices(t: (k: MessageKey) => string) {
  return FLAG_TYPES.map((type) => ({ value: type, label: labelOf(t, 'flagType', type) }));
}

export function FlagSettings({
  flag,
  editable,
  actions,
}: {
  flag: Flag;
  editable: boolean;
  actions: Actions;
}) {
  const app = useApp();
  const { t } = app;
  const [description, setDescription] = useState(flag.description);
  const [type, setType] = useState<string>(flag.type);
  const [tags, setTags] = useState(flag.tags.join(', '));
  const [squad, setSquad] = useState(flag.squad);
  if (!editable) return null;
  return (
    <section class="card" aria-labelledby="settings-title">
      <h2 id="settings-title">{t('flag.settings')}</h2>
      <form
        class="form-grid"
        onSubmit={(e) => {
          e.preventDefault();
          void actions.saveSettings(flag, {
            description,
            type: type as Flag['type'],
            tags: parseValues(tags),
            ...(squad !== flag.squad ? { squad } : {}),
          });
        }}
      >
        <TextAreaField
          label={t('flag.description')}
          value={description}
          onInput={setDescription}
          class="field-wide"
        />
        <SelectField
          label={t('flag.type')}
          value={type}
          choices={flagTypeChoices(t)}
          onChange={setType}
          help={t('flag.typeHelp')}
        />
        <TextField label={t('flag.tagsField')} value={tags} onInput={setTags} />
        {isPlatformAdmin(app.me) && <TextField label={t('flags.squad')} value={squad} onInput={setSquad} />}
        <div class="actions field-wide">
          <button type="submit" class="button button-primary">
            {t('flag.saveSettings')}
          </button>
          {flag.archived ? (
            <button
              type="button"
              class="button"
              onClick={() => void actions.saveSettings(flag, { archived: false })}
            >
              {t('flag.unarchive')}
            </button>
          ) : (
            <button
              type="button"
              class="button button-danger"
              onClick={() => void actions.saveSettings(flag, { archived: true })}
            >
              {t('flag.archive')}
            </button>
          )}
        </div>
      </form>
    </section>
  );
}
