/** Hash routes (`#/flags`, `#/experiments/key`): static hosting serves one index.html, with no rewrites. */
import { useEffect, useState } from 'preact/hooks';

export type Route =
  | { page: 'flags' }
  | { page: 'flag'; name: string }
  | { page: 'experiments' }
  | { page: 'experiment'; key: string }
  | { page: 'new-flag' }
  | { page: 'new-experiment' }
  | { page: 'experiment-edit'; key: string }
  | { page: 'changes' }
  | { page: 'change'; id: string }
  | { page: 'segments' }
  | { page: 'segment'; id: string }
  | { page: 'metrics' }
  | { page: 'metric'; key: string }
  | { page: 'audit' }
  | { page: 'release-templates' }
  | { page: 'release-plan'; name: string; env: string }
  | { page: 'release-lifecycle' }
  | { page: 'release-cleanup' }
  | { page: 'data-quality' };

export function parseRoute(hash: string): Route {
  const parts = hash
    .replace(/^#\/?/, '')
    .split('?')[0]
    .split('/')
    .filter((p) => p !== '')
    .map((p) => {
      try {
        return decodeURIComponent(p);
      } catch {
        return p;
      }
    });
  if (parts[0] === 'flags' && parts[1]) return { page: 'flag', name: parts[1] };
  if (parts[0] === 'new-flag') return { page: 'new-flag' };
  if (parts[0] === 'new-experiment') return { page: 'new-experiment' };
  if (parts[0] === 'experiments' && parts[1] && parts[2] === 'edit')
    return { page: 'experiment-edit', key: parts[1] };
  if (parts[0] === 'changes') return parts[1] ? { page: 'change', id: parts[1] } : { page: 'changes' };
  if (parts[0] === 'segments') return parts[1] ? { page: 'segment', id: parts[1] } : { page: 'segments' };
  if (parts[0] === 'metrics') return parts[1] ? { page: 'metric', key: parts[1] } : { page: 'metrics' };
  if (parts[0] === 'audit') return { page: 'audit' };
  if (parts[0] === 'release-templates') return { page: 'release-templates' };
  if (parts[0] === 'release-lifecycle') return { page: 'release-lifecycle' };
  if (parts[0] === 'release-cleanup') return { page: 'release-cleanup' };
  if (parts[0] === 'data-quality') return { page: 'data-quality' };
  if (parts[0] === 'release-plans' && parts[1] && parts[2])
    return { page: 'release-plan', name: parts[1], env: parts[2] };
  if (parts[0] === 'experiments' && parts[1]) return { page: 'experiment', key: parts[1] };
  if (parts[0] === 'experiments') return { page: 'experiments' };
  return { page: 'flags' };
}

export function href(route: Route): string {
  switch (route.page) {
    case 'flags':
      return '#/flags';
    case 'flag':
      return `#/flags/${encodeURIComponent(route.name)}`;
    case 'experiments':
      return '#/experiments';
    case 'experiment':
      return `#/experiments/${encodeURIComponent(route.key)}`;
    case 'new-flag':
      return '#/new-flag';
    case 'new-experiment':
      return '#/new-experiment';
    case 'experiment-edit':
      return `#/experiments/${encodeURIComponent(route.key)}/edit`;
    case 'changes':
      return '#/changes';
    case 'change':
      return `#/changes/${encodeURIComponent(route.id)}`;
    case 'segments':
      return '#/segments';
    case 'segment':
      return `#/segments/${encodeURIComponent(route.id)}`;
    case 'metrics':
      return '#/metrics';
    case 'metric':
      return `#/metrics/${encodeURIComponent(route.key)}`;
    case 'audit':
      return '#/audit';
    case 'release-templates':
      return '#/release-templates';
    case 'release-plan':
      return `#/release-plans/${encodeURIComponent(route.name)}/${encodeURIComponent(route.env)}`;
    case 'release-lifecycle':
      return '#/release-lifecycle';
    case 'release-cleanup':
      return '#/release-cleanup';
    case 'data-quality':
      return '#/data-quality';
  }
}

/** The query part of the hash (`#/new-experiment?draft=…`), which routes ignore. */
export function hashQuery(hash: string = location.hash): URLSearchParams {
  const i = hash.indexOf('?');
  return new URLSearchParams(i < 0 ? '' : hash.slice(i + 1));
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
