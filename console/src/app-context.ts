/** What every page needs: the API with the signed-in token, who that is, the language and notices. */
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Api } from './api';
import type { ChangeRequest } from './change-view';
import type { Formatters, Language, Translate } from './i18n';
import type { Environment, Principal } from './types';

export type NoticeKind = 'success' | 'error' | 'info';

export interface AppServices {
  api: Api;
  me: Principal;
  lang: Language;
  t: Translate;
  fmt: Formatters;
  /** Configured channels, in the order the console shows them. */
  channels: string[];
  environments: Environment[];
  notify(kind: NoticeKind, message: string): void;
  /** Change requests still waiting or waiting for review: the pending markers and the inbox badge. */
  pending: ChangeRequest[];
  refreshPending(): Promise<void>;
}

export const AppContext = createContext<AppServices | null>(null);

export function useApp(): AppServices {
  const services = useContext(AppContext);
  if (!services) throw new Error('useApp outside the signed-in console');
  return services;
}
