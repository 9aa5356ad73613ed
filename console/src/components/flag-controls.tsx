/** The per-channel switch and the kill switch, shown as controls or as read-only state by the token's rights. */
import { useApp } from '../app-context';
import { channelLabel } from '../i18n';
import type { Flag } from '../types';
import type { useFlagActions } from '../use-flag-actions';
import { ReadOnlyState, ToggleSwitch } from './toggle-switch';

type Actions = ReturnType<typeof useFlagActions>;

export function ChannelControl(props: {
  flag: Flag;
  env: string;
  channel: string;
  editable: boolean;
  actions: Actions;
}) {
  const { t } = useApp();
  const { flag, env, channel } = props;
  const state = flag.environments[env];
  const on = state?.channels[channel] === true;
  const channelName = channelLabel(t, channel);
  if (!props.editable) {
    return (
      <ReadOnlyState
        on={on}
        text={on ? t('common.on') : t('common.off')}
        label={t('flags.stateLabel', {
          name: flag.name,
          state: on ? t('common.onWord') : t('common.offWord'),
          channel: channelName,
        })}
      />
    );
  }
  return (
    <ToggleSwitch
      checked={on}
      muted={state?.enabled === false}
      disabled={props.actions.busy === flag.name}
      label={t('flags.toggleLabel', {
        name: flag.name,
        state: on ? t('common.offWord') : t('common.onWord'),
        channel: channelName,
      })}
      onChange={(next) => void props.actions.toggleChannel(flag, env, channel, next)}
    />
  );
}

export function KillSwitch(props: { flag: Flag; env: string; editable: boolean; actions: Actions }) {
  const { t } = useApp();
  const { flag, env } = props;
  const enabled = flag.environments[env]?.enabled !== false;
  if (!props.editable) {
    return enabled ? (
      <ReadOnlyState on text={t('common.on')} label={`${flag.name}: ${t('common.onWord')}`} />
    ) : (
      <span class="badge badge-killed">{t('flags.killed')}</span>
    );
  }
  const busy = props.actions.busy === flag.name;
  return enabled ? (
    <button
      type="button"
      class="button button-danger button-small"
      aria-label={t('flags.killLabel', { name: flag.name, env })}
      disabled={busy}
      onClick={() => void props.actions.setEnabled(flag, env, false)}
    >
      {t('flags.kill')}
    </button>
  ) : (
    <span class="kill-state">
      <span class="badge badge-killed">{t('flags.killed')}</span>
      <button
        type="button"
        class="button button-small"
        aria-label={t('flags.restoreLabel', { name: flag.name, env })}
        disabled={busy}
        onClick={() => void props.actions.setEnabled(flag, env, true)}
      >
        {t('flags.restore')}
      </button>
    </span>
  );
}
