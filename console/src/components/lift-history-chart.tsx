/** Cumulative relative lift over time: one line per treatment variant inside its interval band. */
import { useEffect, useRef } from 'preact/hooks';
import { Chart, COLORS } from '../charts';
import type { Formatters } from '../i18n';
import type { HistoryPoint } from '../types';

export function LiftHistoryChart(props: { points: HistoryPoint[]; fmt: Formatters; summary: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const { points, fmt } = props;
  useEffect(() => {
    if (!canvas.current) return;
    const times = [...new Set(points.map((p) => p.at))].sort();
    const variants = [...new Set(points.map((p) => p.variant))];
    const series = (variant: string, pick: (p: HistoryPoint) => number) =>
      times.map((at) => {
        const p = points.find((x) => x.at === at && x.variant === variant);
        return p ? pick(p) * 100 : null;
      });
    const datasets = variants.flatMap((variant, i) => {
      const color = COLORS.series[i % COLORS.series.length];
      return [
        {
          label: `${variant} upper`,
          data: series(variant, (p) => p.relative.ciUpper),
          borderWidth: 0,
          pointRadius: 0,
          backgroundColor: `${color}22`,
          fill: '+1',
        },
        {
          label: `${variant} lower`,
          data: series(variant, (p) => p.relative.ciLower),
          borderWidth: 0,
          pointRadius: 0,
          fill: false,
        },
        {
          label: variant,
          data: series(variant, (p) => p.relative.estimate),
          borderColor: color,
          backgroundColor: color,
          borderWidth: 2,
          pointRadius: 2,
          fill: false,
        },
      ];
    });
    const chart = new Chart(canvas.current, {
      type: 'line',
      data: { labels: times.map((at) => fmt.date(at)), datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        spanGaps: true,
        scales: {
          y: {
            ticks: { callback: (v) => `${v}%` },
            grid: {
              color: (ctx) => (ctx.tick?.value === 0 ? COLORS.zero : COLORS.grid),
              lineWidth: (ctx) => (ctx.tick?.value === 0 ? 2 : 1),
            },
          },
        },
        plugins: {
          legend: { labels: { filter: (item) => !/ (upper|lower)$/.test(item.text) } },
          tooltip: { filter: (item) => !/ (upper|lower)$/.test(item.dataset.label ?? '') },
        },
      },
    });
    return () => chart.destroy();
  }, [points, fmt]);

  return (
    <div class="chart" style={{ height: '260px' }}>
      <canvas ref={canvas} role="img" aria-label={props.summary} />
    </div>
  );
}
