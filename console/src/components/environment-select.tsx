/** The environment picker of the flags, flag and data-quality pages; keeps the last choice per tab. */

import { useApp } from '../app-context';

const ENV_KEY = 'omnilab.environment';

/** The environment a squad last looked at, so moving between pages keeps it. */
export function initialEnvironment(names: string[]): string {
  let saved: string | null = null;
  try {
    saved = sessionStorage.getItem(ENV_KEY);
  } catch {
    saved = null;
  }
  if (saved && names.includes(saved)) return saved;
  return names.includes('development') ? 'development' : (names[0] ?? '');
}

export function EnvironmentSelect({ value, onChange }: { value: string; onChange(env: string): void }) {
  const { t, environments } = useApp();
  return (
    <label class="field">
      <span class="field-label">{t('common.environment')}</span>
      <select
        value={value}
        onChange={(e) => {
          const env = e.currentTarget.value;
          try {
            sessionStorage.setItem(ENV_KEY, env);
          } catch {
            // Only remembered for this page then.
          }
          onChange(env);
        }}
      >
        {environments.map((e) => (
          <option key={e.name} value={e.name}>
            {e.type === 'production' && e.name !== t('common.production')
              ? `${e.name} (${t('common.production')})`
              : e.name}
          </option>
        ))}
      </select>
    </label>
  );
}
