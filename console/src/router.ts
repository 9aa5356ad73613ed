/** Hash routes (`#/flags`, `#/experiments/key`): static hosting serves one index.html, with no rewrites. */
import { useEffect, useState } from 'preact/hooks';

export type Route =
  | { page: 'flags' }
  | { page: 'flag'; name: string }
  | { page: 'experiments' }
  | { page: 'experiment'; key: string };

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
  }
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
