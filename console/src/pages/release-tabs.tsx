/** Links between the release pages (templates, lifecycle, cleanup), the current one marked. */
import { useApp } from '../app-context';
import { href, type Route } from '../router';
import { releaseText } from './release-text';

type ReleasePage = 'release-templates' | 'release-lifecycle' | 'release-cleanup';

export function ReleaseTabs({ current }: { current: ReleasePage }) {
  const { lang } = useApp();
  const r = releaseText(lang);
  const tabs: [ReleasePage, string][] = [
    ['release-templates', r('templates')],
    ['release-lifecycle', r('lifecycle')],
    ['release-cleanup', r('cleanup')],
  ];
  return (
    <nav class="actions" aria-label={r('releasePages')}>
      {tabs.map(([page, label]) => {
        const route: Route = { page };
        return (
          <a key={page} href={href(route)} aria-current={page === current ? 'page' : undefined}>
            {label}
          </a>
        );
      })}
    </nav>
  );
}
