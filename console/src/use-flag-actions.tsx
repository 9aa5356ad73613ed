/**
 * Every flag write the console makes, in one place. Each dialog names the environment it acts on
 * and says what will happen: applied at once, applied at once and reviewed afterwards (the kill
 * switch), or a change request opened for another person to approve; a held change may instead be
 * declared an emergency with its reason. The notice afterwards says what the API actually did. A
 * stale version (409) reloads and says so.
 */
import { useState } from 'preact/hooks';
import { ApiError, path } from './api';
import { useApp } from './app-context';
import { useDecision } from './components/confirm-dialog';
import { isProtection } from './flag-words';
import { channelLabel, type MessageKey } from './i18n';
import type { Flag, Strategy, VariantDefinition } from './types';
import { useGovernedWrite } from './use-governed-write';

/** What a write will do, as far as the console can tell before the API computes its effect. */
type Consequence = 'now' | 'now-reviewed' | 'held' | 'maybe-held';

const CONSEQUENCE_TEXT: Record<Consequence, MessageKey> = {
  now: 'consequence.now',
  'now-reviewed': 'consequence.nowReviewed',
  held: 'consequence.held',
  'maybe-held': 'consequence.maybeHeld',
};

export function useFlagActions(onUpdated: (flag: Flag) => void, reload: () => Promise<void>) {
  const app = useApp();
  const { t } = app;
  const [dialog, decide] = useDecision(t);
  const [busy, setBusy] = useState<string | null>(null);
  const send = useGovernedWrite();
  const environment = (env: string) => app.environments.find((e) => e.name === env);
  const isGuarded = (env: string) => {
    const e = environment(env);
    return e !== undefined && (e.protected || e.type === 'production');
  };
  const anyGuarded = () => app.environments.some((e) => e.protected || e.type === 'production');

  async function write(
    flag: Flag,
    url: string,
    body: Record<string, unknown>,
    success: string,
    emergency?: string,
  ): Promise<boolean> {
    setBusy(flag.name);
    try {
      const outcome = await send<Flag>(
        'PUT',
        url,
        { version: flag.version, ...body },
        {
          what: flag.name,
          applied: success,
          emergency,
          notifyRefusal: false,
        },
      );
      if (outcome.kind === 'applied') {
        onUpdated(outcome.body);
        return true;
      }
      if (outcome.kind === 'held') return true;
      if (outcome.error instanceof ApiError && outcome.error.status === 409) {
        await reload();
        app.notify('error', t('error.conflict', { name: flag.name }));
      } else app.notify('error', t('error.generic', { message: outcome.error.message }));
      return false;
    } finally {
      setBusy(null);
    }
  }

  /** Asks, naming the environment and the consequence; null when the person cancelled. */
  async function ask(
    env: string | null,
    title: string,
    question: string,
    consequence: Consequence,
    confirmLabel: string,
    danger = false,
  ): Promise<{ emergency?: string } | null> {
    const decision = await decide({
      title,
      message: `${question} ${t(CONSEQUENCE_TEXT[consequence], { env: env ?? '' })}`,
      confirmLabel,
      danger,
      offerEmergency: consequence === 'held' || consequence === 'maybe-held',
    });
    return decision.ok ? { emergency: decision.emergency } : null;
  }

  async function toggleChannel(flag: Flag, env: string, channel: string, next: boolean) {
    const protection = isProtection(flag);
    const state = next ? t('common.onWord') : t('common.offWord');
    const channelName = channelLabel(t, channel);
    let emergency: string | undefined;
    if (isGuarded(env)) {
      // Off reduces what customers get (the kill switch, applied now); on changes it (held), unless
      // the flag is switched off there as a whole, which serves nothing either way.
      const consequence: Consequence = !next
        ? 'now-reviewed'
        : flag.environments[env]?.enabled === false
          ? 'now'
          : 'held';
      const answer = await ask(
        env,
        t('flags.confirmTitle', { env }),
        protection
          ? t('flags.askProtectionChannel', { name: flag.name, state, channel: channelName, env })
          : t('flags.confirmToggle', { name: flag.name, state, channel: channelName, env }),
        consequence,
        consequence === 'held' ? t('flags.openRequest') : t('common.confirm'),
      );
      if (!answer) return false;
      emergency = answer.emergency;
    }
    return write(
      flag,
      path`/api/admin/flags/${flag.name}/environments/${env}/channels/${channel}`,
      { enabled: next },
      protection
        ? t('notice.protectionChannel', { name: flag.name, state, channel: channelName, env })
        : t('notice.channel', { name: flag.name, state, channel: channelName, env }),
      emergency,
    );
  }

  async function setEnabled(flag: Flag, env: string, enabled: boolean) {
    const protection = isProtection(flag);
    const guarded = isGuarded(env);
    const liveChannels = Object.values(flag.environments[env]?.channels ?? {}).some(Boolean);
    const consequence: Consequence = !enabled
      ? guarded
        ? 'now-reviewed'
        : 'now'
      : guarded && liveChannels
        ? 'held'
        : 'now';
    const title = protection
      ? t(enabled ? 'flags.protectionOnTitle' : 'flags.protectionOffTitle', { env, name: flag.name })
      : enabled
        ? guarded
          ? t('flags.confirmTitle', { env })
          : t('flags.confirmTitleOpen', { env, name: flag.name })
        : t('flags.confirmKillTitle', { env });
    const question = protection
      ? t(enabled ? 'flags.askProtectionOn' : 'flags.askProtectionOff', { name: flag.name, env })
      : enabled
        ? t('flags.confirmRestore', { name: flag.name, env })
        : t('flags.confirmKill', { name: flag.name, env });
    const confirmLabel = protection
      ? t(enabled ? 'flags.protectionTurnOn' : 'flags.protectionTurnOff')
      : consequence === 'held'
        ? t('flags.openRequest')
        : enabled
          ? t('flags.restore')
          : t('flags.kill');
    const answer = await ask(env, title, question, consequence, confirmLabel, !enabled && !protection);
    if (!answer) return false;
    const done = protection
      ? t(enabled ? 'notice.protectionOn' : 'notice.protectionOff', { name: flag.name, env })
      : enabled
        ? t('notice.restored', { name: flag.name, env })
        : t('notice.killed', { name: flag.name, env });
    return write(
      flag,
      path`/api/admin/flags/${flag.name}/environments/${env}`,
      { enabled },
      done,
      answer.emergency,
    );
  }

  async function saveTargeting(flag: Flag, env: string, strategies: Strategy[]) {
    let emergency: string | undefined;
    if (isGuarded(env)) {
      const answer = await ask(
        env,
        t('flags.confirmTitle', { env }),
        t('flags.confirmSave', { name: flag.name, env }),
        'maybe-held',
        t('common.save'),
      );
      if (!answer) return false;
      emergency = answer.emergency;
    }
    return write(
      flag,
      path`/api/admin/flags/${flag.name}/environments/${env}`,
      { strategies },
      t('notice.savedIn', { name: flag.name, env }),
      emergency,
    );
  }

  /** Variants are served in every environment, production included. */
  async function saveVariants(flag: Flag, variants: VariantDefinition[]) {
    let emergency: string | undefined;
    if (anyGuarded()) {
      const answer = await ask(
        null,
        t('flags.confirmVariantsTitle', { name: flag.name }),
        t('flags.confirmVariants', { name: flag.name }),
        'maybe-held',
        t('common.save'),
      );
      if (!answer) return false;
      emergency = answer.emergency;
    }
    return write(
      flag,
      path`/api/admin/flags/${flag.name}`,
      { variants },
      t('notice.saved', { name: flag.name }),
      emergency,
    );
  }

  /** Description, type, tags, squad, archived: not served behaviour, so they apply at once. */
  async function saveSettings(
    flag: Flag,
    fields: Partial<Pick<Flag, 'description' | 'type' | 'tags' | 'squad' | 'archived'>>,
  ) {
    if (fields.archived === true) {
      const answer = await decide({
        title: t('flag.archiveTitle', { name: flag.name }),
        message: t('flag.archiveConfirm', { name: flag.name }),
        confirmLabel: t('flag.archive'),
        danger: true,
        offerEmergency: true,
      });
      if (!answer.ok) return false;
      return write(
        flag,
        path`/api/admin/flags/${flag.name}`,
        fields,
        t('notice.archived', { name: flag.name }),
        answer.emergency,
      );
    }
    return write(flag, path`/api/admin/flags/${flag.name}`, fields, t('notice.saved', { name: flag.name }));
  }

  return { dialog, busy, toggleChannel, setEnabled, saveTargeting, saveVariants, saveSettings };
}
