/**
 * Define or change an experiment from the metric catalogue: hypothesis, environment, channels,
 * traffic, variants with payloads, the primary metric, secondary metrics and guardrails, the
 * analysis, with planning figures. Squads write their own experiments and platform admins any; a
 * product owner (who writes nothing, as the API says) drafts one and hands it to the squad as a
 * link that opens this form filled in, or as experiments-as-code JSON.
 */
import { useState } from 'preact/hooks';
import { EXPERIMENT_STATUSES, RANDOMISATION_UNITS } from '../../../shared/model/experiment';
import { ApiError, path } from '../api';
import { useApp } from '../app-context';
import { pendingFor } from '../change-view';
import {
  CheckField,
  ChecksField,
  NumberField,
  problemAt,
  SelectField,
  TextAreaField,
  TextField,
} from '../components/fields';
import { PendingBanner } from '../components/pending-mark';
import { PlanningFigures } from '../components/planning-figures';
import { channelLabel } from '../i18n';
import { labelOf } from '../labels';
import { choosesSquad, mayWriteFor } from '../rights';
import { hashQuery, href } from '../router';
import type { Experiment, StoredExperiment } from '../types';
import { useGovernedWrite } from '../use-governed-write';
import { useResource } from '../use-resource';
import { type StoredMetric, useMetrics } from './metrics-page';

type Draft = Experiment;

const PAYLOAD_TYPES = ['string', 'json', 'number', 'csv'] as const;

function emptyDraft(squad: string, channels: string[], environment: string): Draft {
  return {
    key: '',
    name: '',
    hypothesis: '',
    squad,
    environment,
    trafficPercent: 100,
    channels,
    unit: 'customer',
    variants: [
      { name: 'control', weight: 1 },
      { name: 'treatment', weight: 1 },
    ],
    primaryMetric: '',
    secondaryMetrics: [],
    guardrails: [],
    status: 'draft',
    analysis: { sequential: true, alpha: 0.05, cuped: true },
  };
}

/** The definition as the API and experiments/ take it: stored bookkeeping left out. */
function definitionOf(d: Draft): Experiment {
  const { key, name, hypothesis, squad, environment, trafficPercent, channels, unit, variants } = d;
  return {
    key,
    name,
    hypothesis,
    squad,
    environment,
    trafficPercent,
    channels,
    unit,
    variants,
    primaryMetric: d.primaryMetric,
    secondaryMetrics: d.secondaryMetrics,
    guardrails: d.guardrails,
    ...(d.layer ? { layer: d.layer } : {}),
    status: d.status,
    ...(d.status === 'shipped' && d.shippedVariant ? { shippedVariant: d.shippedVariant } : {}),
    analysis: d.analysis,
  };
}

function draftFromLink(): Partial<Draft> | null {
  const raw = hashQuery().get('draft');
  if (!raw) return null;
  try {
    const parsed: unknown = JSON.parse(raw);
    return parsed !== null && typeof parsed === 'object' ? (parsed as Partial<Draft>) : null;
  } catch {
    return null;
  }
}

export function ExperimentEditPage({ experimentKey }: { experimentKey?: string }) {
  const { api, t, pending } = useApp();
  const metrics = useMetrics();
  const existing = useResource(
    () =>
      experimentKey
        ? api.get<StoredExperiment>(path`/api/admin/experiments/${experimentKey}`)
        : Promise.resolve(null),
    [experimentKey],
  );
  if (existing.error)
    return <p class="alert alert-error">{t('error.load', { message: existing.error.message })}</p>;
  if (!metrics.data || (experimentKey && !existing.data)) return <p>{t('app.loading')}</p>;
  return (
    <article aria-labelledby="experiment-edit-title">
      <p>
        <a
          href={
            experimentKey ? href({ page: 'experiment', key: experimentKey }) : href({ page: 'experiments' })
          }
        >
          ← {experimentKey ?? t('nav.experiments')}
        </a>
      </p>
      <h1 id="experiment-edit-title">
        {experimentKey ? t('experimentEdit.editTitle', { key: experimentKey }) : t('experimentEdit.newTitle')}
      </h1>
      {experimentKey && (
        <PendingBanner requests={pendingFor(pending, { type: 'experiment', id: experimentKey })} />
      )}
      <ExperimentForm
        key={existing.data?.version ?? 'new'}
        stored={existing.data}
        catalogue={metrics.data}
        onSaved={(e) => {
          if (e) location.hash = href({ page: 'experiment', key: e.key });
        }}
      />
    </article>
  );
}

function ExperimentForm(props: {
  stored: StoredExperiment | null;
  catalogue: StoredMetric[];
  onSaved(e: StoredExperiment | null): void;
}) {
  const app = useApp();
  const { t, me, channels, environments } = app;
  const send = useGovernedWrite();
  const [draft, setDraft] = useState<Draft>(() => {
    const base =
      props.stored ??
      emptyDraft(
        me.squad ?? '',
        channels,
        environments.find((e) => e.type === 'production')?.name ?? environments[0]?.name ?? '',
      );
    return { ...base, ...(props.stored ? {} : (draftFromLink() ?? {})) };
  });
  const [problem, setProblem] = useState<{ field?: string; message: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [handOff, setHandOff] = useState(false);
  const set = (changes: Partial<Draft>) => setDraft((d) => ({ ...d, ...changes }));
  // As the API decides: a stored experiment by its squad, a new one by the squad it names (a
  // draft handed over as a link may name a squad other than the reader's: then it stays a draft).
  const writable = mayWriteFor(me, props.stored ? props.stored.squad : draft.squad);
  const metricChoices = props.catalogue.map((m) => ({ value: m.key, label: `${m.name} (${m.key})` }));
  const primary = props.catalogue.find((m) => m.key === draft.primaryMetric);
  const env = environments.find((e) => e.name === draft.environment);
  const at = (field: string) => problemAt(problem, field);

  async function submit() {
    setBusy(true);
    setProblem(null);
    const body = { ...definitionOf(draft), ...(props.stored ? { version: props.stored.version } : {}) };
    const outcome = await send<StoredExperiment>('PUT', path`/api/admin/experiments/${draft.key}`, body, {
      what: draft.key,
      applied: t('notice.saved', { name: draft.key }),
      notifyRefusal: false,
    });
    setBusy(false);
    if (outcome.kind === 'refused') {
      const e = outcome.error;
      setProblem({ field: e instanceof ApiError ? e.field : undefined, message: e.message });
    } else if (outcome.kind === 'held')
      location.hash = href({ page: 'change', id: outcome.changeRequest.id });
    else props.onSaved(outcome.body);
  }

  const definition = JSON.stringify(definitionOf(draft), null, 2);
  const link = `${location.origin}${location.pathname}${href({ page: 'new-experiment' })}?draft=${encodeURIComponent(JSON.stringify(definitionOf(draft)))}`;

  return (
    <form
      class="card form-grid experiment-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (writable) void submit();
        else setHandOff(true);
      }}
    >
      {!writable && <p class="alert alert-info field-wide">{t('experimentEdit.draftOnly')}</p>}
      <TextField
        label={t('experimentEdit.key')}
        value={draft.key}
        onInput={(key) => set({ key })}
        required
        disabled={props.stored !== null}
        help={t('experimentEdit.keyHelp')}
        problem={at('key')}
      />
      <TextField
        label={t('experiments.name')}
        value={draft.name}
        onInput={(name) => set({ name })}
        required
        problem={at('name')}
      />
      <TextAreaField
        label={t('experiment.hypothesis')}
        value={draft.hypothesis}
        onInput={(hypothesis) => set({ hypothesis })}
        required
        class="field-wide"
        problem={at('hypothesis')}
      />
      <TextField
        label={t('experiments.squad')}
        value={draft.squad}
        onInput={(squad) => set({ squad })}
        required
        disabled={!choosesSquad(me)}
        problem={at('squad')}
      />
      <SelectField
        label={t('common.environment')}
        value={draft.environment}
        choices={environments.map((e) => ({ value: e.name, label: e.name }))}
        onChange={(environment) => set({ environment })}
        help={env?.protected ? t('experimentEdit.protectedEnv', { env: env.name }) : undefined}
        problem={at('environment')}
      />
      <ChecksField
        label={t('experiments.channels')}
        values={draft.channels}
        choices={channels.map((c) => ({ value: c, label: channelLabel(t, c) }))}
        onChange={(cs) => set({ channels: cs })}
        class="field-wide"
        problem={at('channels')}
      />
      <NumberField
        label={t('experimentEdit.traffic')}
        value={draft.trafficPercent}
        onInput={(trafficPercent) => set({ trafficPercent })}
        min={0}
        max={100}
        problem={at('trafficPercent')}
      />
      <SelectField
        label={t('experiment.unit')}
        value={draft.unit}
        choices={RANDOMISATION_UNITS.map((u) => ({ value: u, label: labelOf(t, 'unit', u) }))}
        onChange={(unit) => set({ unit: unit as Draft['unit'] })}
      />
      <fieldset class="field-wide variants">
        <legend>{t('experiment.variants')}</legend>
        <p class="muted">{t('experimentEdit.variantsHelp')}</p>
        {draft.variants.map((v, i) => {
          const change = (c: Partial<Draft['variants'][number]>) =>
            set({ variants: draft.variants.map((x, j) => (j === i ? { ...x, ...c } : x)) });
          return (
            <div class="variant-row" key={`v-${i}`}>
              <TextField
                label={t('flag.variantName')}
                value={v.name}
                onInput={(name) => change({ name })}
                required
                problem={at(`variants[${i}].name`)}
              />
              <NumberField
                label={t('experimentEdit.weight')}
                value={v.weight}
                onInput={(weight) => change({ weight })}
                min={0}
                step="any"
                problem={at(`variants[${i}].weight`)}
              />
              <SelectField
                label={t('flag.payloadType')}
                value={v.payload?.type ?? ''}
                choices={[
                  { value: '', label: t('common.none') },
                  ...PAYLOAD_TYPES.map((p) => ({ value: p, label: p })),
                ]}
                onChange={(type) =>
                  change({
                    payload: type
                      ? { type: type as (typeof PAYLOAD_TYPES)[number], value: v.payload?.value ?? '' }
                      : undefined,
                  })
                }
              />
              <TextField
                label={t('flag.payloadValue')}
                value={v.payload?.value ?? ''}
                disabled={!v.payload}
                onInput={(value) => change({ payload: { type: v.payload?.type ?? 'string', value } })}
                class="field-grow"
                problem={at(`variants[${i}].payload`)}
              />
              <button
                type="button"
                class="button button-small"
                disabled={draft.variants.length <= 2}
                aria-label={`${t('common.remove')}: ${v.name}`}
                onClick={() => set({ variants: draft.variants.filter((_, j) => j !== i) })}
              >
                {t('common.remove')}
              </button>
            </div>
          );
        })}
        <button
          type="button"
          class="button"
          onClick={() =>
            set({ variants: [...draft.variants, { name: `variant-${draft.variants.length}`, weight: 1 }] })
          }
        >
          {t('flag.addVariant')}
        </button>
      </fieldset>
      <SelectField
        label={t('experimentEdit.primary')}
        value={draft.primaryMetric}
        choices={[{ value: '', label: t('experimentEdit.pickMetric') }, ...metricChoices]}
        onChange={(primaryMetric) => set({ primaryMetric })}
        help={primary ? labelOf(t, 'direction', primary.direction) : t('experimentEdit.fromCatalogue')}
        problem={at('primaryMetric')}
      />
      <ChecksField
        label={t('experiment.secondaryMetrics')}
        values={draft.secondaryMetrics}
        choices={metricChoices.filter((m) => m.value !== draft.primaryMetric)}
        onChange={(secondaryMetrics) => set({ secondaryMetrics })}
        class="field-wide"
        problem={at('secondaryMetrics')}
      />
      <fieldset class="field-wide">
        <legend>{t('experiment.guardrails')}</legend>
        <p class="muted">{t('experimentEdit.guardrailsHelp')}</p>
        {draft.guardrails.map((g, i) => (
          <div class="variant-row" key={`g-${i}`}>
            <SelectField
              label={t('results.metric')}
              value={g.metric}
              choices={[{ value: '', label: t('experimentEdit.pickMetric') }, ...metricChoices]}
              onChange={(metric) =>
                set({ guardrails: draft.guardrails.map((x, j) => (j === i ? { ...x, metric } : x)) })
              }
              problem={at(`guardrails[${i}].metric`)}
            />
            <NumberField
              label={t('experimentEdit.tolerance')}
              value={Math.round(g.tolerance * 1000) / 10}
              onInput={(pct) =>
                set({
                  guardrails: draft.guardrails.map((x, j) => (j === i ? { ...x, tolerance: pct / 100 } : x)),
                })
              }
              min={0}
              step="any"
              problem={at(`guardrails[${i}].tolerance`)}
            />
            <button
              type="button"
              class="button button-small"
              aria-label={`${t('common.remove')}: ${g.metric}`}
              onClick={() => set({ guardrails: draft.guardrails.filter((_, j) => j !== i) })}
            >
              {t('common.remove')}
            </button>
          </div>
        ))}
        <button
          type="button"
          class="button"
          onClick={() => set({ guardrails: [...draft.guardrails, { metric: '', tolerance: 0.05 }] })}
        >
          {t('experimentEdit.addGuardrail')}
        </button>
      </fieldset>
      <SelectField
        label={t('experiments.status')}
        value={draft.status}
        choices={EXPERIMENT_STATUSES.map((s) => ({ value: s, label: labelOf(t, 'status', s) }))}
        onChange={(status) => set({ status: status as Draft['status'] })}
        help={t('experimentEdit.statusHelp')}
      />
      {draft.status === 'shipped' && (
        <SelectField
          label={t('experimentEdit.shippedVariant')}
          value={draft.shippedVariant ?? ''}
          choices={[
            { value: '', label: '—' },
            ...draft.variants.map((v) => ({ value: v.name, label: v.name })),
          ]}
          onChange={(shippedVariant) => set({ shippedVariant })}
          problem={at('shippedVariant')}
        />
      )}
      <TextField
        label={t('experimentEdit.layer')}
        value={draft.layer ?? ''}
        onInput={(layer) => set({ layer: layer || undefined })}
        help={t('experimentEdit.layerHelp')}
      />
      <fieldset class="field-wide">
        <legend>{t('experiment.analysis')}</legend>
        <CheckField
          label={t('experiment.sequential')}
          checked={draft.analysis.sequential}
          onChange={(sequential) => set({ analysis: { ...draft.analysis, sequential } })}
        />
        <CheckField
          label={t('experiment.cuped')}
          checked={draft.analysis.cuped}
          onChange={(cuped) => set({ analysis: { ...draft.analysis, cuped } })}
        />
        <NumberField
          label={t('experimentEdit.alpha')}
          value={draft.analysis.alpha}
          onInput={(alpha) => set({ analysis: { ...draft.analysis, alpha } })}
          min={0.001}
          max={0.49}
          step="any"
          problem={at('analysis.alpha')}
        />
      </fieldset>
      <div class="field-wide">
        <PlanningFigures
          input={{
            kind: primary?.kind === 'conversion' ? 'conversion' : 'mean',
            alpha: draft.analysis.alpha,
            sequential: draft.analysis.sequential,
            trafficPercent: draft.trafficPercent,
            weights: draft.variants.map((v) => v.weight),
            ...(draft.primaryMetric ? { metric: draft.primaryMetric } : {}),
          }}
        />
      </div>
      {problem && (
        <p class="alert alert-error field-wide" role="alert">
          {t('error.generic', { message: problem.message })}
        </p>
      )}
      <div class="actions field-wide">
        <button type="submit" class="button button-primary" disabled={busy}>
          {writable
            ? props.stored
              ? t('common.save')
              : t('experimentEdit.create')
            : t('experimentEdit.handOff')}
        </button>
      </div>
      {handOff && (
        <section class="field-wide hand-off" aria-labelledby="hand-off-title">
          <h3 id="hand-off-title">{t('experimentEdit.handOffTitle', { squad: draft.squad || '—' })}</h3>
          <p>{t('experimentEdit.handOffIntro')}</p>
          <TextField
            label={t('experimentEdit.link')}
            value={link}
            onInput={() => undefined}
            class="field-wide"
          />
          <TextAreaField
            label={t('experimentEdit.asCode', { key: draft.key || 'experiment' })}
            value={definition}
            onInput={() => undefined}
            rows={10}
            class="field-wide"
          />
        </section>
      )}
    </form>
  );
}
