/**
 * The per-channel switch and the master switch, shown as controls or as read-only state by the
 * token's rights, in the words of the flag's type (a kill-switch flag reads "protection on / off"),
 * each with a marker when a waiting change request would change it.
 */
import { useApp } from '../app-context';
import { pendingFor } from '../change-view';
import { isProtection } from '../flag-words';
import { channelLabel } from '../i18n';
import type { Flag } from '../types';
import type { useFlagActions } from '../use-flag-actions';
import { PendingMark } from './pending-mark';
import { ReadOnlyState, ToggleSwitch } from './toggle-switch';

type Actions = ReturnType<typeof useFlagActions>;

export function ChannelControl(props: {
  flag: Flag;
  env: string;
  channel: string;
  editable: boolean;
  actions: Actions;
}) {
  const { t, pending } = useApp();
  const { flag, env, channel } = props;
  const state = flag.environments[env];
  const on = state?.channels[channel] === true;
  const channelName = channelLabel(t, channel);
  const protection = isProtection(flag);
  const waiting = pendingFor(pending, { type: 'flag', id: flag.name }, env, [
    `channels.${channel}`,
    'enabled',
    'strategies',
  ]);
  const stateWord = (value: boolean) => (value ? t('common.onWord') : t('common.offWord'));
  const control = !props.editable ? (
    <ReadOnlyState
      on={on}
      text={protection ? t(on ? 'protection.on' : 'protection.off') : on ? t('common.on') : t('common.off')}
      label={
        protection
          ? t('flags.protectionStateLabel', { name: flag.name, state: stateWord(on), channel: channelName })
          : t('flags.stateLabel', { name: flag.name, state: stateWord(on), channel: channelName })
      }
    />
  ) : (
    <ToggleSwitch
      checked={on}
      muted={state?.enabled === false}
      disabled={props.actions.busy === flag.name}
      label={
        protection
          ? t('flags.protectionToggleLabel', { name: flag.name, state: stateWord(!on), channel: channelName })
          : t('flags.toggleLabel', { name: flag.name, state: stateWord(!on), channel: channelName })
      }
      onChange={(next) => void props.actions.toggleChannel(flag, env, channel, next)}
    />
  );
  return (
    <span class="control-cell">
      {control}
      <PendingMark requests={waiting} />
    </span>
  );
}

export function KillSwitch(props: { flag: Flag; env: string; editable: boolean; actions: Actions }) {
  const { t, pending } = useApp();
  const { flag, env } = props;
  const enabled = flag.environments[env]?.enabled !== false;
  const waiting = pendingFor(pending, { type: 'flag', id: flag.name }, env, ['enabled']);
  const busy = props.actions.busy === flag.name;
  if (isProtection(flag)) {
    const text = t(enabled ? 'protection.on' : 'protection.off');
    return (
      <span class="kill-state">
        <span class={`badge ${enabled ? 'badge-protection-on' : 'badge-protection-off'}`}>{text}</span>
        {props.editable && (
          <button
            type="button"
            class="button button-small"
            aria-label={t(enabled ? 'flags.protectionOffLabel' : 'flags.protectionOnLabel', {
              name: flag.name,
              env,
            })}
            disabled={busy}
            onClick={() => void props.actions.setEnabled(flag, env, !enabled)}
          >
            {t(enabled ? 'flags.protectionTurnOff' : 'flags.protectionTurnOn')}
          </button>
        )}
        <PendingMark requests={waiting} />
      </span>
    );
  }
  if (!props.editable) {
    return (
      <span class="kill-state">
        {enabled ? (
          <ReadOnlyState on text={t('common.on')} label={`${flag.name}: ${t('common.onWord')}`} />
        ) : (
          <span class="badge badge-killed">{t('flags.killed')}</span>
        )}
        <PendingMark requests={waiting} />
      </span>
    );
  }
  return enabled ? (
    <span class="kill-state">
      <button
        type="button"
        class="button button-danger button-small"
        aria-label={t('flags.killLabel', { name: flag.name, env })}
        disabled={busy}
        onClick={() => void props.actions.setEnabled(flag, env, false)}
      >
        {t('flags.kill')}
      </button>
      <PendingMark requests={waiting} />
    </span>
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
      <PendingMark requests={waiting} />
    </span>
  );
}
