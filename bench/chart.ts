/**
 * The figures of one `npm run bench` as a page of charts (bench/results/latest.html, Chart.js
 * inlined so the file opens anywhere offline) and a PNG of it rendered by Chromium, for docs and
 * reviews where nobody runs the benchmarks.
 */

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ApiBenchResult } from './api-bench';
import type { EvaluationBenchResult } from './evaluation-bench';
import type { IngestionBenchResult } from './ingestion-bench';
import type { PropagationBenchResult } from './propagation-bench';
import type { RawEventsBenchResult } from './raw-events-bench';
import type { RegexBenchResult } from './regex-bench';
import type { ResultsBenchResult } from './results-bench';
import type { SdkBenchResult } from './sdk-bench';

export interface BenchReport {
  at: string;
  machine: { node: string; cpu: string; cores: number; memoryGiB: number };
  results: {
    evaluation?: EvaluationBenchResult;
    sdk?: SdkBenchResult;
    ingestion?: IngestionBenchResult;
    api?: ApiBenchResult;
    results?: ResultsBenchResult;
    regex?: RegexBenchResult;
    propagation?: PropagationBenchResult;
    'raw-events'?: RawEventsBenchResult;
  };
}

interface ChartSpec {
  title: string;
  config: Record<string, unknown>;
}

const COLORS = ['#1f6feb', '#d1242f', '#8250df', '#1a7f37', '#bf8700'];

function bar(title: string, labels: string[], datasets: { label: string; data: number[] }[], log = false) {
  return {
    title,
    config: {
      type: 'bar',
      data: {
        labels,
        datasets: datasets.map((d, i) => ({ ...d, backgroundColor: COLORS[i % COLORS.length] })),
      },
      options: {
        animation: false,
        plugins: { title: { display: true, text: title } },
        scales: { y: { type: log ? 'logarithmic' : 'linear', beginAtZero: !log } },
      },
    },
  };
}

function charts(r: BenchReport['results']): ChartSpec[] {
  const out: ChartSpec[] = [];
  if (r.sdk) {
    const t = r.sdk.throughput;
    const sdks = [
      ['evaluation core', t.core],
      ['@omnilab/sdk', t.omnilab],
      ['unleash-client', t.unleashClient],
      ['@growthbook/growthbook', t.growthbook],
    ] as const;
    out.push(
      bar(
        'Flag evaluation, ns per call (lower is better, log scale)',
        sdks.map(([n]) => n),
        [
          { label: 'isEnabled', data: sdks.map(([, x]) => x.isEnabledNs) },
          { label: 'getVariant', data: sdks.map(([, x]) => x.getVariantNs) },
        ],
        true,
      ),
    );
  } else if (r.evaluation) {
    const e = r.evaluation;
    out.push(
      bar(
        'Flag evaluation, ns per call (lower is better)',
        ['omnilab core', 'unleash-client'],
        [
          { label: 'isEnabled', data: [e.omnilab.isEnabledNs, e.unleashClient.isEnabledNs] },
          { label: 'getVariant', data: [e.omnilab.getVariantNs, e.unleashClient.getVariantNs] },
        ],
      ),
    );
  }
  if (r.api) {
    const labels = r.api.rows.map((x) =>
      x.name.replace(/ \(.*\)$/, '').replace(', If-None-Match', ' + ETag'),
    );
    out.push(
      bar('HTTP API throughput, requests/s', labels, [
        { label: 'req/s', data: r.api.rows.map((x) => x.requestsPerSecond) },
      ]),
      bar(
        'HTTP API latency, ms (log scale)',
        labels,
        [
          // autocannon reports whole milliseconds: a sub-millisecond p50 would vanish on a log axis.
          { label: 'p50', data: r.api.rows.map((x) => Math.max(x.p50Ms, 0.5)) },
          { label: 'p99', data: r.api.rows.map((x) => Math.max(x.p99Ms, 0.5)) },
        ],
        true,
      ),
    );
  }
  if (r.ingestion) {
    const i = r.ingestion;
    const api = r.api?.rows.find((x) => x.eventsPerSecond !== undefined);
    out.push(
      bar(
        'Ingestion into DynamoDB Local, per second',
        [
          'raw BatchWriteItem items',
          'exactly-once events (store)',
          ...(api ? ['exactly-once events (HTTP)'] : []),
        ],
        [
          {
            label: 'per second',
            data: [i.rawItemsPerSecond, i.eventsPerSecond, ...(api ? [api.eventsPerSecond ?? 0] : [])],
          },
        ],
      ),
    );
  }
  if (r.results) {
    out.push({
      title: "Reading an experiment's results, ms",
      config: {
        type: 'line',
        data: {
          labels: r.results.rows.map((x) => x.events.toLocaleString('en')),
          datasets: [
            { label: 'read statistics', data: r.results.rows.map((x) => x.readMs), borderColor: COLORS[0] },
            { label: 'analysis', data: r.results.rows.map((x) => x.analysisMs), borderColor: COLORS[1] },
            { label: 'total', data: r.results.rows.map((x) => x.totalMs), borderColor: COLORS[2] },
          ],
        },
        options: {
          animation: false,
          plugins: {
            title: { display: true, text: "Reading an experiment's results, ms, by events ingested" },
          },
          scales: { y: { beginAtZero: true } },
        },
      },
    });
  }
  return out;
}

export function chartHtml(report: BenchReport): string {
  const require = createRequire(import.meta.url);
  // The package exports only its module entry; the UMD build sits next to it in dist/.
  const chartJs = readFileSync(join(dirname(require.resolve('chart.js')), 'chart.umd.min.js'), 'utf8');
  const specs = charts(report.results);
  const m = report.machine;
  const canvases = specs.map((_, i) => `<div class="c"><canvas id="c${i}"></canvas></div>`).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>omnilab benchmarks</title>
<style>body{font-family:system-ui,sans-serif;margin:16px;width:1168px}h1{font-size:18px;margin:0 0 4px}
p{margin:0 0 12px;color:#555;font-size:13px}.g{display:grid;grid-template-columns:1fr 1fr;gap:16px}
.c{border:1px solid #ddd;border-radius:6px;padding:8px;height:300px}</style></head>
<body><h1>omnilab benchmarks</h1>
<p>${report.at} · Node ${m.node} · ${m.cores} × ${m.cpu} · ${m.memoryGiB} GiB · every peer measured in the same run</p>
<div class="g">${canvases}</div>
<script>${chartJs.replace(/<\/script/gi, '<\\/script')}</script>
<script>
const specs = ${JSON.stringify(specs.map((s) => s.config))};
specs.forEach((config, i) => {
  config.options.maintainAspectRatio = false;
  new Chart(document.getElementById('c' + i), config);
});
document.body.dataset.ready = 'true';
</script></body></html>
`;
}

/** Renders the page with the system's Chromium; without one the HTML alone is still written. */
export async function renderPng(htmlPath: string, pngPath: string): Promise<boolean> {
  const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(executablePath)) return false;
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
    await page.goto(pathToFileURL(htmlPath).href);
    await page.waitForSelector('body[data-ready="true"]');
    await page.screenshot({ path: pngPath, fullPage: true });
    return true;
  } finally {
    await browser.close();
  }
}

export async function writeCharts(report: BenchReport, htmlPath: string, pngPath: string): Promise<boolean> {
  writeFileSync(htmlPath, chartHtml(report));
  return renderPng(htmlPath, pngPath);
}
