import { svg } from './dom';

/** A small inline SVG line of recent prices (no chart library: the page loads nothing external). */
export function priceChart(prices: readonly number[], label: string, width = 120, height = 32): SVGElement {
  const root = svg('svg', { viewBox: `0 0 ${width} ${height}`, width: String(width), height: String(height), role: 'img', class: 'chart' });
  const title = svg('title');
  title.textContent = label;
  root.append(title);
  if (prices.length < 2) return root;
  const min = Math.min(...prices);
  const max = Math.max(...prices);
  const span = max - min || 1;
  const points = prices.map((p, i) => {
    const x = (i / (prices.length - 1)) * (width - 2) + 1;
    const y = height - 1 - ((p - min) / span) * (height - 2);
    return `${x.toFixed(1)},${y.toFixed(1)}`;
  });
  root.append(svg('polyline', { points: points.join(' '), fill: 'none', stroke: 'currentColor', 'stroke-width': '1.5' }));
  return root;
}
