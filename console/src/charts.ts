/** Only the Chart.js parts the console draws with, so the bundle stays small. */
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from 'chart.js';

Chart.register(
  BarController,
  BarElement,
  CategoryScale,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
);
Chart.defaults.font.family = getComputedStyle(document.documentElement).fontFamily || 'system-ui, sans-serif';
Chart.defaults.color = '#374151';

export { Chart };

export const COLORS = {
  better: '#15803d',
  worse: '#b91c1c',
  neutral: '#6b7280',
  zero: '#111827',
  grid: '#e5e7eb',
  series: ['#1d4ed8', '#c2410c', '#7e22ce', '#0f766e', '#be185d'],
};
