/**
 * The forest plot: per metric and variant, the interval of the relative lift as a floating bar,
 * the estimate as a dot, and a heavy zero line. Its text alternative is the table next to it
 * plus an aria-label summary on the canvas.
 */
import { useEffect, useRef } from 'preact/hooks';
import { Chart, COLORS } from '../charts';
import type { Formatters } from '../i18n';
import type { ForestRow } from '../results-view';

export function ForestPlot(props: {
  rows: ForestRow[];
  fmt: Formatters;
  summary: string;
  estimateLabel: string;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const { rows, fmt } = props;
  useEffect(() => {
    if (!canvas.current) return;
    // A floating bar per interval and a line dataset drawn as dots only: the two share one y axis.
    const chart = new Chart<'bar' | 'line', (number | [number, number])[], string[]>(canvas.current, {
      type: 'bar',
      data: {
        labels: rows.map((r) => [r.metricName, r.variant]),
        datasets: [
          {
            type: 'bar',
            label: 'interval',
            data: rows.map((r) => [r.lower * 100, r.upper * 100] as [number, number]),
            backgroundColor: rows.map((r) => `${COLORS[r.tone]}55`),
            borderColor: rows.map((r) => COLORS[r.tone]),
            borderWidth: 1,
            borderSkipped: false,
            borderRadius: 3,
            barPercentage: 0.5,
            categoryPercentage: 0.9,
          },
          {
            type: 'line',
            label: props.estimateLabel,
            data: rows.map((r) => r.estimate * 100),
            showLine: false,
            pointRadius: 5,
            pointHoverRadius: 6,
            pointBackgroundColor: rows.map((r) => COLORS[r.tone]),
            pointBorderColor: '#ffffff',
            pointBorderWidth: 1.5,
          },
        ],
      },
      options: {
        indexAxis: 'y',
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: {
          x: {
            // Zero is always on the axis, so the zero line is drawn; the scale rounds outwards to nice ticks.
            suggestedMin: Math.min(0, ...rows.map((r) => r.lower)) * 100,
            suggestedMax: Math.max(0, ...rows.map((r) => r.upper)) * 100,
            ticks: { callback: (v) => `${v}%` },
            grid: {
              color: (ctx) => (ctx.tick?.value === 0 ? COLORS.zero : COLORS.grid),
              lineWidth: (ctx) => (ctx.tick?.value === 0 ? 2 : 1),
            },
          },
          y: { grid: { display: false } },
        },
        plugins: {
          legend: { display: false },
          tooltip: {
            callbacks: {
              label: (item) => {
                const r = rows[item.dataIndex];
                return `${fmt.percent(r.estimate, { signed: true })} [${fmt.percent(r.lower, { signed: true })}, ${fmt.percent(r.upper, { signed: true })}]`;
              },
            },
          },
        },
      },
    });
    return () => chart.destroy();
  }, [rows, fmt, props.estimateLabel]);

  return (
    <div class="chart" style={{ height: `${Math.max(140, rows.length * 44 + 50)}px` }}>
      <canvas ref={canvas} role="img" aria-label={props.summary} />
    </div>
  );
}
