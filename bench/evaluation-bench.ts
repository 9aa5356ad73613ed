/**
 * The evaluation core against `unleash-client`, offline and bootstrapped with the same 200
 * features, in one process: ns per isEnabled / getVariant and the ratio. With
 * `BENCH_PREVIOUS_CORE=<file.mjs>` (an ES module exporting `compile` and `evaluate`, e.g. an earlier
 * commit's `shared/index.ts` bundled by esbuild) that core is measured beside it in the same process,
 * on the same features and contexts, after checking it answers the same.
 */
import { pathToFileURL } from 'node:url';
import { Unleash } from 'unleash-client';
import { compile, evaluate } from '../shared';
import { formatTable, measure } from './measure';
import { generateContexts, generateFeatures } from './workload';

export interface EvaluationBenchResult {
  features: number;
  contexts: number;
  disagreements: number;
  omnilab: { isEnabledNs: number; getVariantNs: number };
  unleashClient: { isEnabledNs: number; getVariantNs: number };
  ratio: { isEnabled: number; getVariant: number };
  /** The core of BENCH_PREVIOUS_CORE, when given: its figures and its answers that differ from this one's. */
  previous?: { module: string; isEnabledNs: number; getVariantNs: number; disagreements: number };
}

interface Core {
  compile: typeof compile;
  evaluate: typeof evaluate;
}

/** The core named by BENCH_PREVIOUS_CORE, if any. */
async function previousCore(): Promise<{ module: string; core: Core } | null> {
  const module = process.env.BENCH_PREVIOUS_CORE;
  if (!module) return null;
  const core: Core = await import(pathToFileURL(module).href);
  return { module, core };
}

/** unleash-client on its bootstrap alone, as both benchmarks that compare with it run it. */
export async function startOfflineUnleash(doc: ReturnType<typeof generateFeatures>): Promise<Unleash> {
  const unleash = new Unleash({
    appName: 'bench',
    // Nothing listens here: the client runs on its bootstrap alone.
    url: 'http://127.0.0.1:9/api/',
    refreshInterval: 0,
    disableMetrics: true,
    bootstrap: { data: doc.features as never },
    skipInstanceCountWarning: true,
  });
  unleash.on('error', () => {});
  unleash.on('warn', () => {});
  await new Promise<void>((resolve) => {
    if (unleash.isSynchronized()) resolve();
    unleash.once('ready', () => resolve());
    setTimeout(resolve, 2000);
  });
  return unleash;
}

export async function runEvaluationBench(): Promise<EvaluationBenchResult> {
  const doc = generateFeatures(200);
  const contexts = generateContexts(1000);
  const names = doc.features.map((f) => f.name);
  const config = compile(doc);
  const unleash = await startOfflineUnleash(doc);
  const prev = await previousCore();
  const prevConfig = prev?.core.compile(doc);

  let disagreements = 0;
  let prevDisagreements = 0;
  for (const ctx of contexts) {
    for (const name of names) {
      const ours = evaluate(config, name, ctx);
      if (ours.enabled !== unleash.isEnabled(name, ctx as never)) disagreements++;
      if (ours.variant.name !== unleash.getVariant(name, ctx as never).name) disagreements++;
      if (prev && prevConfig) {
        const theirs = prev.core.evaluate(prevConfig, name, ctx);
        if (theirs.enabled !== ours.enabled || theirs.reason !== ours.reason) prevDisagreements++;
        if (JSON.stringify(theirs.variant) !== JSON.stringify(ours.variant)) prevDisagreements++;
      }
    }
  }

  // Each round evaluates every feature for 100 contexts: 20,000 calls.
  const batch = contexts.slice(0, 100);
  let sink = 0;
  const loop = (fn: (name: string, ctx: (typeof batch)[number]) => boolean) => () => {
    for (const ctx of batch) for (const name of names) if (fn(name, ctx)) sink++;
    return batch.length * names.length;
  };
  const omnilabEnabled = measure(
    loop((n, c) => evaluate(config, n, c).enabled),
    { rounds: 15 },
  );
  const prevEnabled =
    prev && prevConfig
      ? measure(
          loop((n, c) => prev.core.evaluate(prevConfig, n, c).enabled),
          { rounds: 15 },
        )
      : null;
  const unleashEnabled = measure(loop((n, c) => unleash.isEnabled(n, c as never)));
  const omnilabVariant = measure(
    loop((n, c) => evaluate(config, n, c).variant.enabled),
    { rounds: 15 },
  );
  const prevVariant =
    prev && prevConfig
      ? measure(
          loop((n, c) => prev.core.evaluate(prevConfig, n, c).variant.enabled),
          { rounds: 15 },
        )
      : null;
  const unleashVariant = measure(loop((n, c) => unleash.getVariant(n, c as never).enabled));
  unleash.destroy();
  if (sink < 0) console.log(sink);

  return {
    features: names.length,
    contexts: contexts.length,
    disagreements,
    omnilab: { isEnabledNs: omnilabEnabled.nsPerOp, getVariantNs: omnilabVariant.nsPerOp },
    unleashClient: { isEnabledNs: unleashEnabled.nsPerOp, getVariantNs: unleashVariant.nsPerOp },
    ratio: {
      isEnabled: unleashEnabled.nsPerOp / omnilabEnabled.nsPerOp,
      getVariant: unleashVariant.nsPerOp / omnilabVariant.nsPerOp,
    },
    ...(prev && prevEnabled && prevVariant
      ? {
          previous: {
            module: prev.module,
            isEnabledNs: prevEnabled.nsPerOp,
            getVariantNs: prevVariant.nsPerOp,
            disagreements: prevDisagreements,
          },
        }
      : {}),
  };
}

export function formatEvaluationBench(r: EvaluationBenchResult): string {
  const previous = r.previous;
  const row = (op: string, ours: number, theirs: number) => ({
    operation: op,
    'omnilab ns/op': ours.toFixed(0),
    'unleash-client ns/op': theirs.toFixed(0),
    'speed-up': `${(theirs / ours).toFixed(1)}x`,
  });
  return [
    `Evaluation core vs unleash-client: ${r.features} features, ${r.contexts} contexts, ${r.disagreements} disagreements`,
    formatTable([
      row('isEnabled', r.omnilab.isEnabledNs, r.unleashClient.isEnabledNs),
      row('getVariant', r.omnilab.getVariantNs, r.unleashClient.getVariantNs),
    ]),
    ...(previous
      ? [
          '',
          `Beside the previous core (${previous.module}), same process: ${previous.disagreements} answers differ`,
          formatTable(
            (['isEnabled', 'getVariant'] as const).map((op) => {
              const now = r.omnilab[`${op}Ns`];
              const before = previous[`${op}Ns`];
              return {
                operation: op,
                'previous ns/op': before.toFixed(0),
                'this ns/op': now.toFixed(0),
                change: `${(((now - before) / before) * 100).toFixed(1)}%`,
              };
            }),
          ),
        ]
      : []),
  ].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  runEvaluationBench().then((r) => console.log(formatEvaluationBench(r)));
}
