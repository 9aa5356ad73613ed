/**
 * Cumulative relative lift over time: one line per treatment variant inside its interval band, on
 * an axis fitted to the estimates (lift-axis.ts): early intervals beyond it are drawn clipped at
 * its edge and marked with a triangle, and the tooltip gives their true bounds.
 */
import { useEffect, useMemo, useRef } from 'preact/hooks';
import { Chart, COLORS } from '../charts';
import type { Formatters } from '../i18n';
import { clipToAxis, liftAxis } from '../lift-axis';
import type { HistoryPoint } from '../types';

export function LiftHistoryChart(props: {
  points: HistoryPoint[];
  fmt: Formatters;
  summary: string;
  /** The sentence under the chart when intervals are clipped, given the axis range. */
  clippedNote: (min: string, max: string) => string;
  axisLabel: (min: string, max: string) => string;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const { points, fmt } = props;
  const axis = useMemo(() => liftAxis(points), [points]);
  const signed = (v: number) => fmt.percent(v / 100, { signed: true, digits: 0 });
  useEffect(() => {
    if (!canvas.current) return;
    const times = [...new Set(points.map((p) => p.at))].sort();
    const variants = [...new Set(points.map((p) => p.variant))];
    const at = (variant: string, time: string) => points.find((x) => x.at === time && x.variant === variant);
    const series = (variant: string, pick: (p: HistoryPoint) => number) =>
      times.map((time) => {
        const p = at(variant, time);
        return p ? clipToAxis(pick(p) * 100, axis).value : null;
      });
    const marks = (variant: string, pick: (p: HistoryPoint) => number, side: 'above' | 'below') =>
      times.map((time) => {
        const p = at(variant, time);
        if (!p) return null;
        const clipped = clipToAxis(pick(p) * 100, axis);
        return clipped.side === side ? clipped.value : null;
      });
    const datasets = variants.flatMap((variant, i) => {
      const color = COLORS.series[i % COLORS.series.length];
      const mark = (label: string, data: (number | null)[], rotation: number) => ({
        label,
        data,
        showLine: false,
        pointStyle: 'triangle' as const,
        rotation,
        pointRadius: 7,
        // Drawn over the chart area's edge, where the clipped band ends.
        clip: false as const,
        pointBackgroundColor: color,
        pointBorderColor: '#ffffff',
        borderWidth: 0,
        fill: false,
      });
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
        mark(
          `${variant} clipped above`,
          marks(variant, (p) => p.relative.ciUpper, 'above'),
          0,
        ),
        mark(
          `${variant} clipped below`,
          marks(variant, (p) => p.relative.ciLower, 'below'),
          180,
        ),
      ];
    });
    const hidden = / (upper|lower|clipped above|clipped below)$/;
    const chart = new Chart(canvas.current, {
      type: 'line',
      data: { labels: times.map((time) => fmt.date(time)), datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        spanGaps: true,
        scales: {
          y: {
            min: axis.min,
            max: axis.max,
            ticks: { stepSize: axis.step, callback: (v) => `${v}%` },
            grid: {
              color: (ctx) => (ctx.tick?.value === 0 ? COLORS.zero : COLORS.grid),
              lineWidth: (ctx) => (ctx.tick?.value === 0 ? 2 : 1),
            },
          },
        },
        plugins: {
          legend: { labels: { filter: (item) => !hidden.test(item.text) } },
          tooltip: {
            filter: (item) => !hidden.test(item.dataset.label ?? ''),
            callbacks: {
              // The true interval, also where the band is clipped.
              label: (item) => {
                const variant = item.dataset.label ?? '';
                const p = at(variant, times[item.dataIndex]);
                if (!p) return variant;
                const s = (x: number) => fmt.percent(x, { signed: true });
                return `${variant}: ${s(p.relative.estimate)} [${s(p.relative.ciLower)}, ${s(p.relative.ciUpper)}]`;
              },
            },
          },
        },
      },
    });
    return () => chart.destroy();
  }, [points, fmt, axis]);

  const min = signed(axis.min);
  const max = signed(axis.max);
  return (
    <>
      <div class="chart" style={{ height: '260px' }}>
        <canvas
          ref={canvas}
          role="img"
          aria-label={`${props.summary} ${props.axisLabel(min, max)}`}
          data-axis-min={String(axis.min)}
          data-axis-max={String(axis.max)}
          data-axis-clipped={String(axis.clipped)}
        />
      </div>
      {axis.clipped && <p class="muted history-clipped">{props.clippedNote(min, max)}</p>}
    </>
  );
}
