/**
 * The evaluation core against `unleash-client`, offline and bootstrapped with the same 200
 * features, in one process: ns per isEnabled / getVariant and the ratio.
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

  let disagreements = 0;
  for (const ctx of contexts) {
    for (const name of names) {
      const ours = evaluate(config, name, ctx);
      if (ours.enabled !== unleash.isEnabled(name, ctx as never)) disagreements++;
      if (ours.variant.name !== unleash.getVariant(name, ctx as never).name) disagreements++;
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
  const unleashEnabled = measure(loop((n, c) => unleash.isEnabled(n, c as never)));
  const omnilabVariant = measure(
    loop((n, c) => evaluate(config, n, c).variant.enabled),
    { rounds: 15 },
  );
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
  };
}

export function formatEvaluationBench(r: EvaluationBenchResult): string {
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
  ].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  runEvaluationBench().then((r) => console.log(formatEvaluationBench(r)));
}
