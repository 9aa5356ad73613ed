/** A list of constraints (context field, operator, values) to add to and remove from: segments and targeting. */
import { useState } from 'preact/hooks';
import { OPERATORS } from '../../../shared/model/client-features';
import { useApp } from '../app-context';
import { parseValues } from '../flag-state';
import type { Constraint } from '../types';

const MULTI = new Set(['IN', 'NOT_IN', 'STR_STARTS_WITH', 'STR_ENDS_WITH', 'STR_CONTAINS', 'IN_CIDR']);

export function constraintText(c: Constraint): string {
  return `${c.inverted ? 'NOT ' : ''}${c.contextName} ${c.operator} ${(c.values ?? [c.value ?? '']).join(', ')}`;
}

export function ConstraintsEditor(props: {
  constraints: Constraint[];
  onChange(constraints: Constraint[]): void;
  disabled?: boolean;
}) {
  const { t } = useApp();
  const [draft, setDraft] = useState({ contextName: 'channel', operator: 'IN', values: '' });
  function add() {
    const values = parseValues(draft.values);
    if (draft.contextName.trim() === '' || values.length === 0) return;
    const c: Constraint = {
      contextName: draft.contextName.trim(),
      operator: draft.operator,
      ...(MULTI.has(draft.operator) ? { values } : { value: values[0] }),
    };
    props.onChange([...props.constraints, c]);
    setDraft({ ...draft, values: '' });
  }
  return (
    <fieldset disabled={props.disabled} class="constraints-editor">
      <legend>{t('flag.constraints')}</legend>
      <p class="muted">{t('flag.constraintsHelp')}</p>
      {props.constraints.length === 0 ? (
        <p>{t('segments.noConstraints')}</p>
      ) : (
        <ul class="constraints">
          {props.constraints.map((c, i) => (
            <li key={`${c.contextName}-${i}`}>
              <code>{constraintText(c)}</code>
              <button
                type="button"
                class="button button-small"
                aria-label={`${t('common.remove')}: ${constraintText(c)}`}
                onClick={() => props.onChange(props.constraints.filter((_, j) => j !== i))}
              >
                {t('common.remove')}
              </button>
            </li>
          ))}
        </ul>
      )}
      <div class="toolbar">
        <label class="field">
          <span class="field-label">{t('flag.context')}</span>
          <input
            value={draft.contextName}
            onInput={(e) => setDraft({ ...draft, contextName: e.currentTarget.value })}
          />
        </label>
        <label class="field">
          <span class="field-label">{t('flag.operator')}</span>
          <select
            value={draft.operator}
            onChange={(e) => setDraft({ ...draft, operator: e.currentTarget.value })}
          >
            {OPERATORS.map((o) => (
              <option key={o} value={o}>
                {o}
              </option>
            ))}
          </select>
        </label>
        <label class="field field-grow">
          <span class="field-label">{t('flag.values')}</span>
          <input
            value={draft.values}
            onInput={(e) => setDraft({ ...draft, values: e.currentTarget.value })}
          />
        </label>
        <button type="button" class="button" onClick={add}>
          {t('segments.addConstraint')}
        </button>
      </div>
    </fieldset>
  );
}
