/**
 * Above an experiment's results page: the pending change requests that would change it, and an
 * edit link for who may change it (the results page itself belongs to the results work).
 */
import { path } from '../api';
import { useApp } from '../app-context';
import { pendingFor } from '../change-view';
import { mayWriteFor } from '../rights';
import { href } from '../router';
import type { StoredExperiment } from '../types';
import { useResource } from '../use-resource';
import { PendingBanner } from './pending-mark';

export function ExperimentBar({ experimentKey }: { experimentKey: string }) {
  const { api, t, me, pending } = useApp();
  const experiment = useResource(
    () => api.get<StoredExperiment>(path`/api/admin/experiments/${experimentKey}`),
    [experimentKey],
  );
  const waiting = pendingFor(pending, { type: 'experiment', id: experimentKey });
  const editable = experiment.data ? mayWriteFor(me, experiment.data.squad) : false;
  if (!editable && waiting.length === 0) return null;
  return (
    <div class="experiment-bar">
      <PendingBanner requests={waiting} />
      {editable && (
        <a class="button" href={href({ page: 'experiment-edit', key: experimentKey })}>
          {t('experimentEdit.edit')}
        </a>
      )}
    </div>
  );
}
