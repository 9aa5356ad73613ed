/** The shell: sign-in, header with navigation and language, notices, and the routed page. */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { type Api, createApi } from './api';
import { AppContext, type AppServices, type NoticeKind } from './app-context';
import type { ChangeRequest } from './change-view';
import { INBOX_STATUSES } from './change-view';
import { ExperimentBar } from './components/experiment-bar';
import { DEFAULT_CHANNELS } from './flag-state';
import {
  formatters,
  type Language,
  type MessageKey,
  storedLanguage,
  storeLanguage,
  translator,
} from './i18n';
import { AuditPage } from './pages/audit-page';
import { ChangeRequestPage, ChangeRequestsPage, listChangeRequests } from './pages/change-requests-page';
import { DataQualityPage } from './pages/data-quality-page';
import { ExperimentEditPage } from './pages/experiment-edit-page';
import { ExperimentPage } from './pages/experiment-page';
import { ExperimentsPage } from './pages/experiments-page';
import { FlagPage } from './pages/flag-page';
import { FlagsPage } from './pages/flags-page';
import { MetricPage, MetricsPage } from './pages/metrics-page';
import { NewFlagPage } from './pages/new-flag-page';
import { ReleaseCleanupPage } from './pages/release-cleanup-page';
import { ReleaseLifecyclePage } from './pages/release-lifecycle-page';
import { ReleasePlanPage } from './pages/release-plan-page';
import { ReleaseTemplatesPage } from './pages/release-templates-page';
import { SegmentPage, SegmentsPage } from './pages/segments-page';
import { SignInPage } from './pages/sign-in-page';
import { mayReadAudit } from './rights';
import { href, type Route, useRoute } from './router';
import { isRejected, storedToken, storeToken, whoAmI } from './session';
import type { Environment, Principal } from './types';

interface Session {
  api: Api;
  me: Principal;
  environments: Environment[];
  channels: string[];
}

interface Notice {
  id: number;
  kind: NoticeKind;
  message: string;
}

async function openSession(baseUrl: string, token: string): Promise<Session> {
  const api = createApi(baseUrl, token);
  const [me, envs] = await Promise.all([
    whoAmI(api),
    api.get<{ environments: Environment[]; channels?: string[] }>('/api/admin/environments'),
  ]);
  const channels =
    Array.isArray(envs.channels) && envs.channels.length > 0 ? envs.channels : DEFAULT_CHANNELS;
  return { api, me, environments: envs.environments, channels };
}

function roleText(t: (k: MessageKey, p?: Record<string, string>) => string, me: Principal): string {
  if (me.role === 'platform-admin') return t('role.platform-admin');
  if (me.role === 'squad') return t('role.squad', { squad: me.squad ?? '' });
  if (me.role === 'product-owner') return t('role.product-owner');
  if (me.role === 'auditor') return t('role.auditor');
  return t('role.other');
}

function Page({ route }: { route: Route }) {
  switch (route.page) {
    case 'flags':
      return <FlagsPage />;
    case 'flag':
      return <FlagPage name={route.name} />;
    case 'experiments':
      return <ExperimentsPage />;
    case 'experiment':
      return (
        <>
          <ExperimentBar experimentKey={route.key} />
          <ExperimentPage experimentKey={route.key} />
        </>
      );
    case 'new-flag':
      return <NewFlagPage />;
    case 'new-experiment':
      return <ExperimentEditPage />;
    case 'experiment-edit':
      return <ExperimentEditPage experimentKey={route.key} />;
    case 'changes':
      return <ChangeRequestsPage />;
    case 'change':
      return <ChangeRequestPage id={route.id} />;
    case 'segments':
      return <SegmentsPage />;
    case 'segment':
      return <SegmentPage id={route.id} />;
    case 'metrics':
      return <MetricsPage />;
    case 'metric':
      return <MetricPage metricKey={route.key} />;
    case 'audit':
      return <AuditPage />;
    case 'release-templates':
      return <ReleaseTemplatesPage />;
    case 'release-plan':
      return <ReleasePlanPage name={route.name} env={route.env} />;
    case 'release-lifecycle':
      return <ReleaseLifecyclePage />;
    case 'release-cleanup':
      return <ReleaseCleanupPage />;
    case 'data-quality':
      return <DataQualityPage />;
  }
}

export function App({ apiBaseUrl }: { apiBaseUrl: string }) {
  const [lang, setLang] = useState<Language>(storedLanguage);
  const t = useMemo(() => translator(lang), [lang]);
  const fmt = useMemo(() => formatters(lang), [lang]);
  const route = useRoute();
  const [session, setSession] = useState<Session | null>(null);
  const [restoring, setRestoring] = useState(() => storedToken() !== null);
  const [signInError, setSignInError] = useState<string | null>(null);
  const [notices, setNotices] = useState<Notice[]>([]);
  const [pending, setPending] = useState<ChangeRequest[]>([]);

  async function refreshPending() {
    if (!session) return;
    try {
      const res = await listChangeRequests(
        session.api,
        `/api/admin/change-requests?status=${INBOX_STATUSES.join(',')}`,
      );
      setPending(res.changeRequests);
    } catch {
      // Markers are a help, not the truth: the API still holds what it holds.
    }
  }
  // Every page change reads them again, so markers follow decisions taken elsewhere.
  useEffect(() => {
    void refreshPending();
  }, [session, route]);

  useEffect(() => {
    document.documentElement.lang = lang;
    document.title = t('app.title');
  }, [lang, t]);

  async function signIn(token: string) {
    setSignInError(null);
    try {
      const opened = await openSession(apiBaseUrl, token);
      storeToken(token);
      setSession(opened);
    } catch (e) {
      storeToken(null);
      setSignInError(
        isRejected(e) ? t('signIn.rejected') : t('signIn.failed', { message: (e as Error).message }),
      );
    }
  }

  useEffect(() => {
    const token = storedToken();
    if (token) void signIn(token).finally(() => setRestoring(false));
  }, []);

  const services: AppServices | null = useMemo(
    () =>
      session && {
        ...session,
        pending,
        refreshPending,
        lang,
        t,
        fmt,
        notify(kind: NoticeKind, message: string) {
          const id = Date.now() + Math.random();
          setNotices((list) => [...list.slice(-2), { id, kind, message }]);
          setTimeout(
            () => setNotices((list) => list.filter((n) => n.id !== id)),
            kind === 'error' ? 10_000 : 5000,
          );
        },
      },
    [session, lang, t, fmt, pending],
  );

  const changeLanguage = (next: Language) => {
    storeLanguage(next);
    setLang(next);
  };

  return (
    <>
      <a class="skip-link" href="#main">
        {t('app.skip')}
      </a>
      <header class="topbar">
        <a class="brand" href={href({ page: 'flags' })}>
          omnilab
        </a>
        {services && (
          <nav aria-label={t('nav.main')}>
            <a
              href={href({ page: 'flags' })}
              aria-current={route.page.startsWith('flag') ? 'page' : undefined}
            >
              {t('nav.flags')}
            </a>
            <a
              href={href({ page: 'experiments' })}
              aria-current={route.page.startsWith('experiment') ? 'page' : undefined}
            >
              {t('nav.experiments')}
            </a>
            <a
              href={href({ page: 'segments' })}
              aria-current={route.page.startsWith('segment') ? 'page' : undefined}
            >
              {t('nav.segments')}
            </a>
            <a
              href={href({ page: 'metrics' })}
              aria-current={route.page.startsWith('metric') ? 'page' : undefined}
            >
              {t('nav.metrics')}
            </a>
            <a
              href={href({ page: 'data-quality' })}
              aria-current={route.page === 'data-quality' ? 'page' : undefined}
            >
              {t('nav.dataQuality')}
            </a>
            <a
              href={href({ page: 'release-templates' })}
              aria-current={route.page.startsWith('release') ? 'page' : undefined}
            >
              {services.lang === 'zh-CN' ? '发布' : 'Releases'}
            </a>
            <a
              href={href({ page: 'changes' })}
              aria-current={route.page === 'changes' || route.page === 'change' ? 'page' : undefined}
            >
              {t('nav.changes')}
              {pending.length > 0 && (
                <span class="count">
                  <span aria-hidden="true"> {pending.length}</span>
                  <span class="visually-hidden"> {t('nav.changesCount', { count: pending.length })}</span>
                </span>
              )}
            </a>
            {mayReadAudit(services.me) && (
              <a href={href({ page: 'audit' })} aria-current={route.page === 'audit' ? 'page' : undefined}>
                {t('nav.audit')}
              </a>
            )}
          </nav>
        )}
        <div class="topbar-end">
          <label class="field field-inline">
            <span class="field-label">{t('app.language')}</span>
            <select value={lang} onChange={(e) => changeLanguage(e.currentTarget.value as Language)}>
              <option value="en" lang="en">
                English
              </option>
              <option value="zh-CN" lang="zh-CN">
                简体中文
              </option>
            </select>
          </label>
          {services && (
            <>
              <span class="whoami">
                {t('app.signedInAs', { name: services.me.name, role: roleText(t, services.me) })}
              </span>
              <button
                type="button"
                class="button button-small"
                onClick={() => {
                  storeToken(null);
                  setSession(null);
                }}
              >
                {t('app.signOut')}
              </button>
            </>
          )}
        </div>
      </header>
      <div class="notices" role="status" aria-live="polite">
        {notices.map((n) => (
          <p key={n.id} class={`notice notice-${n.kind}`}>
            {n.message}
          </p>
        ))}
      </div>
      <main id="main" tabIndex={-1}>
        {services ? (
          <AppContext.Provider value={services}>
            <Page route={route} />
          </AppContext.Provider>
        ) : restoring ? (
          <p>{t('app.loading')}</p>
        ) : (
          <SignInPage t={t} error={signInError} busy={false} onSubmit={(token) => void signIn(token)} />
        )}
      </main>
    </>
  );
}
