/**
 * Every flag write the console makes, in one place: production asks first, a stale version (409)
 * reloads and says so, and a change request (202, once governance holds production changes)
 * is reported instead of pretending the flag changed.
 */
import { useState } from 'preact/hooks';
import { ApiError, path } from './api';
import { useApp } from './app-context';
import { useConfirm } from './components/confirm-dialog';
import { channelLabel } from './i18n';
import type { Flag, Strategy, VariantDefinition } from './types';

export function useFlagActions(onUpdated: (flag: Flag) => void, reload: () => Promise<void>) {
  const app = useApp();
  const { t } = app;
  const [dialog, ask] = useConfirm(t);
  const [busy, setBusy] = useState<string | null>(null);
  const isProduction = (env: string) => app.environments.find((e) => e.name === env)?.type === 'production';

  async function write(
    flag: Flag,
    url: string,
    body: Record<string, unknown>,
    success: string,
  ): Promise<boolean> {
    setBusy(flag.name);
    try {
      const res = await app.api.send<Flag>('PUT', url, { version: flag.version, ...body });
      if (res.status === 202) {
        const held = res.body as unknown as { changeRequest?: { id: string } };
        app.notify('info', t('notice.changeRequest', { name: flag.name, id: held.changeRequest?.id ?? '' }));
      } else {
        onUpdated(res.body);
        app.notify('success', success);
      }
      return true;
    } catch (e) {
      if (e instanceof ApiError && e.status === 409) {
        await reload();
        app.notify('error', t('error.conflict', { name: flag.name }));
      } else {
        app.notify('error', t('error.generic', { message: (e as Error).message }));
      }
      return false;
    } finally {
      setBusy(null);
    }
  }

  async function toggleChannel(flag: Flag, env: string, channel: string, next: boolean) {
    const state = next ? t('common.onWord') : t('common.offWord');
    const channelName = channelLabel(t, channel);
    if (isProduction(env)) {
      const ok = await ask({
        title: t('flags.confirmTitle'),
        message: t('flags.confirmToggle', { name: flag.name, state, channel: channelName }),
        confirmLabel: t('common.confirm'),
      });
      if (!ok) return false;
    }
    return write(
      flag,
      path`/api/admin/flags/${flag.name}/environments/${env}/channels/${channel}`,
      { enabled: next },
      t('notice.channel', { name: flag.name, state, channel: channelName, env }),
    );
  }

  async function setEnabled(flag: Flag, env: string, enabled: boolean) {
    const ok = await ask({
      title: enabled ? t('flags.confirmTitle') : t('flags.confirmKillTitle'),
      message: enabled
        ? t('flags.confirmRestore', { name: flag.name, env })
        : t('flags.confirmKill', { name: flag.name, env }),
      confirmLabel: enabled ? t('flags.restore') : t('flags.kill'),
      danger: !enabled,
    });
    if (!ok) return false;
    return write(
      flag,
      path`/api/admin/flags/${flag.name}/environments/${env}`,
      { enabled },
      enabled ? t('notice.restored', { name: flag.name, env }) : t('notice.killed', { name: flag.name, env }),
    );
  }

  async function confirmProduction(flag: Flag, env: string | null) {
    if (env !== null && !isProduction(env)) return true;
    if (env === null && !app.environments.some((e) => e.type === 'production')) return true;
    return ask({
      title: t('flags.confirmTitle'),
      message: t('flags.confirmSave', { name: flag.name }),
      confirmLabel: t('common.save'),
    });
  }

  async function saveTargeting(flag: Flag, env: string, strategies: Strategy[]) {
    if (!(await confirmProduction(flag, env))) return false;
    return write(
      flag,
      path`/api/admin/flags/${flag.name}/environments/${env}`,
      { strategies },
      t('notice.saved', { name: flag.name }),
    );
  }

  /** Variants are served in every environment, production included. */
  async function saveVariants(flag: Flag, variants: VariantDefinition[]) {
    if (!(await confirmProduction(flag, null))) return false;
    return write(
      flag,
      path`/api/admin/flags/${flag.name}`,
      { variants },
      t('notice.saved', { name: flag.name }),
    );
  }

  return { dialog, busy, toggleChannel, setEnabled, saveTargeting, saveVariants };
}
