/** The marker beside a toggle or on a page that a waiting change request would change: links to it. */
import { useApp } from '../app-context';
import type { ChangeRequest } from '../change-view';
import { labelOf } from '../labels';
import { href } from '../router';

export function PendingMark({ requests }: { requests: readonly ChangeRequest[] }) {
  const { t } = useApp();
  if (requests.length === 0) return null;
  const first = requests[0];
  return (
    <a
      class="pending-mark"
      href={href({ page: 'change', id: first.id })}
      title={first.title}
      aria-label={t('pending.label', {
        id: first.id,
        title: first.title,
        status: labelOf(t, 'crStatus', first.status),
      })}
    >
      {t('pending.mark')}
      {requests.length > 1 ? ` ×${requests.length}` : ''}
    </a>
  );
}

/** A banner on a page: every waiting request that would change what the page shows. */
export function PendingBanner({ requests }: { requests: readonly ChangeRequest[] }) {
  const { t } = useApp();
  if (requests.length === 0) return null;
  return (
    <div class="alert alert-info pending-banner" role="status">
      <strong>{t('pending.bannerTitle', { count: requests.length })}</strong>
      <ul>
        {requests.map((cr) => (
          <li key={cr.id}>
            <a href={href({ page: 'change', id: cr.id })}>{cr.title}</a> — {labelOf(t, 'crStatus', cr.status)}{' '}
            ({t('changes.by', { name: cr.author.name })})
          </li>
        ))}
      </ul>
    </div>
  );
}
