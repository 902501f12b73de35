import { svg } from './dom';

/** One price of the line; afterGap when ticks were missed just before it (the line breaks there). */
export interface PricePoint {
  price: number;
  afterGap?: boolean;
}

/**
 * A small inline SVG line of recent prices (no chart library: the page loads nothing external). The line
 * is broken where ticks were missed, with a dashed mark at each break, so it never draws a move between
 * two prices as if nothing happened in between; a lone price between breaks is a dot.
 */
export function priceChart(points: readonly PricePoint[], label: string, width = 120, height = 32): SVGElement {
  const root = svg('svg', { viewBox: `0 0 ${width} ${height}`, width: String(width), height: String(height), role: 'img', class: 'chart' });
  const title = svg('title');
  title.textContent = label;
  root.append(title);
  if (points.length < 2) return root;
  const prices = points.map((p) => p.price);
  const min = Math.min(...prices);
  const max = Math.max(...prices);
  const span = max - min || 1;
  const x = (i: number) => (i / (points.length - 1)) * (width - 2) + 1;
  const y = (p: number) => height - 1 - ((p - min) / span) * (height - 2);
  const segments: number[][] = [];
  points.forEach((p, i) => {
    if (i === 0 || p.afterGap) {
      if (i > 0) {
        const at = ((x(i - 1) + x(i)) / 2).toFixed(1);
        root.append(svg('line', { class: 'gap', x1: at, x2: at, y1: '0', y2: String(height), stroke: 'currentColor', 'stroke-width': '1', 'stroke-dasharray': '2 2' }));
      }
      segments.push([]);
    }
    segments.at(-1)!.push(i);
  });
  for (const segment of segments) {
    if (segment.length === 1) {
      const i = segment[0]!;
      root.append(svg('circle', { cx: x(i).toFixed(1), cy: y(points[i]!.price).toFixed(1), r: '1.5', fill: 'currentColor' }));
    } else {
      const coordinates = segment.map((i) => `${x(i).toFixed(1)},${y(points[i]!.price).toFixed(1)}`);
      root.append(svg('polyline', { points: coordinates.join(' '), fill: 'none', stroke: 'currentColor', 'stroke-width': '1.5' }));
    }
  }
  return root;
}
