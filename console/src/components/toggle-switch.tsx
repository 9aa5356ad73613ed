/** A real button with the switch role: Space and Enter work, and screen readers say "on"/"off". */
export interface ToggleSwitchProps {
  checked: boolean;
  label: string;
  disabled?: boolean;
  /** The environment is switched off: the channel keeps its setting but nobody gets the flag. */
  muted?: boolean;
  onChange(next: boolean): void;
}

export function ToggleSwitch({ checked, label, disabled, muted, onChange }: ToggleSwitchProps) {
  return (
    <button
      type="button"
      role="switch"
      class={`switch${muted ? ' switch-muted' : ''}`}
      aria-checked={checked}
      aria-label={label}
      title={label}
      disabled={disabled}
      onClick={() => onChange(!checked)}
    >
      <span class="switch-knob" aria-hidden="true" />
    </button>
  );
}

export function ReadOnlyState({ on, label, text }: { on: boolean; label: string; text: string }) {
  return (
    <span class={`state ${on ? 'state-on' : 'state-off'}`} role="img" aria-label={label} title={label}>
      {text}
    </span>
  );
}
