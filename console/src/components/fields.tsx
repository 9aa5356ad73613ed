/**
 * The form fields every editor uses: a label above the control, help and the API's complaint about
 * the field below it (a 400 names the field; the editor passes the message to the field it names).
 */
import type { ComponentChildren } from 'preact';
import { useId } from 'preact/hooks';

interface FieldProps {
  label: string;
  help?: string;
  /** The API's message for this field, from a 400 naming it. */
  problem?: string;
  class?: string;
}

function Frame(props: FieldProps & { id: string; children: ComponentChildren }) {
  return (
    <div class={`field ${props.class ?? ''}`}>
      <label class="field-label" for={props.id}>
        {props.label}
      </label>
      {props.children}
      {props.help && (
        <span class="field-help muted" id={`${props.id}-help`}>
          {props.help}
        </span>
      )}
      {props.problem && (
        <span class="field-problem" id={`${props.id}-problem`} role="alert">
          {props.problem}
        </span>
      )}
    </div>
  );
}

function described(id: string, props: FieldProps): string | undefined {
  const ids = [props.help ? `${id}-help` : '', props.problem ? `${id}-problem` : ''].filter(Boolean);
  return ids.length > 0 ? ids.join(' ') : undefined;
}

export function TextField(
  props: FieldProps & {
    value: string;
    onInput(value: string): void;
    required?: boolean;
    disabled?: boolean;
    placeholder?: string;
    pattern?: string;
  },
) {
  const id = useId();
  return (
    <Frame {...props} id={id}>
      <input
        id={id}
        value={props.value}
        required={props.required}
        disabled={props.disabled}
        placeholder={props.placeholder}
        pattern={props.pattern}
        aria-invalid={props.problem ? true : undefined}
        aria-describedby={described(id, props)}
        onInput={(e) => props.onInput(e.currentTarget.value)}
      />
    </Frame>
  );
}

export function TextAreaField(
  props: FieldProps & { value: string; onInput(value: string): void; required?: boolean; rows?: number },
) {
  const id = useId();
  return (
    <Frame {...props} id={id}>
      <textarea
        id={id}
        value={props.value}
        rows={props.rows ?? 3}
        required={props.required}
        aria-invalid={props.problem ? true : undefined}
        aria-describedby={described(id, props)}
        onInput={(e) => props.onInput(e.currentTarget.value)}
      />
    </Frame>
  );
}

export function NumberField(
  props: FieldProps & {
    value: number;
    onInput(value: number): void;
    min?: number;
    max?: number;
    step?: number | 'any';
    disabled?: boolean;
  },
) {
  const id = useId();
  return (
    <Frame {...props} id={id}>
      <input
        id={id}
        type="number"
        value={Number.isFinite(props.value) ? props.value : ''}
        min={props.min}
        max={props.max}
        step={props.step}
        disabled={props.disabled}
        aria-invalid={props.problem ? true : undefined}
        aria-describedby={described(id, props)}
        onInput={(e) => props.onInput(e.currentTarget.valueAsNumber)}
      />
    </Frame>
  );
}

export interface Choice {
  value: string;
  label: string;
}

export function SelectField(
  props: FieldProps & {
    value: string;
    choices: readonly Choice[];
    onChange(value: string): void;
    disabled?: boolean;
  },
) {
  const id = useId();
  return (
    <Frame {...props} id={id}>
      <select
        id={id}
        value={props.value}
        disabled={props.disabled}
        aria-invalid={props.problem ? true : undefined}
        aria-describedby={described(id, props)}
        onChange={(e) => props.onChange(e.currentTarget.value)}
      >
        {props.choices.map((c) => (
          <option key={c.value} value={c.value}>
            {c.label}
          </option>
        ))}
      </select>
    </Frame>
  );
}

/** A set of checkboxes (channels, secondary metrics). */
export function ChecksField(
  props: FieldProps & {
    values: readonly string[];
    choices: readonly Choice[];
    onChange(values: string[]): void;
  },
) {
  return (
    <fieldset class={`field ${props.class ?? ''}`}>
      <legend class="field-label">{props.label}</legend>
      <div class="checks">
        {props.choices.map((c) => (
          <label key={c.value} class="check">
            <input
              type="checkbox"
              checked={props.values.includes(c.value)}
              onChange={(e) =>
                props.onChange(
                  e.currentTarget.checked
                    ? [...props.values, c.value]
                    : props.values.filter((v) => v !== c.value),
                )
              }
            />
            {c.label}
          </label>
        ))}
      </div>
      {props.help && <span class="field-help muted">{props.help}</span>}
      {props.problem && (
        <span class="field-problem" role="alert">
          {props.problem}
        </span>
      )}
    </fieldset>
  );
}

export function CheckField(props: { label: string; checked: boolean; onChange(checked: boolean): void }) {
  return (
    <label class="check">
      <input
        type="checkbox"
        checked={props.checked}
        onChange={(e) => props.onChange(e.currentTarget.checked)}
      />
      {props.label}
    </label>
  );
}

/** The API's 400 names a field (`variants[0].payload.value`); the editor shows it there, or on top. */
export function problemAt(
  problem: { field?: string; message: string } | null,
  ...fields: string[]
): string | undefined {
  if (!problem?.field) return undefined;
  const f = problem.field.replace(/^body\./, '');
  return fields.some((name) => f === name || f.startsWith(`${name}.`) || f.startsWith(`${name}[`))
    ? problem.message
    : undefined;
}
