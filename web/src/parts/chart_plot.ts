// Draws one projection of the analysis (side i's utility across, side j's
// up) with Observable Plot. Loaded on demand (a separate chunk: Plot and its
// d3 parts are most of the app's JS). Every number drawn is the core's; this
// module only places them. Each plotted element carries data attributes
// (data-kind, data-u0 = across, data-u1 = up, the package, the move) so that
// tests and tools read the chart as drawn.
import * as Plot from '@observablehq/plot';
import type { Analysis, Point } from '../talks_api';

// The sides' colours (CSS: .side-0 ... in app.css, the legend uses them).
export const PALETTE = ['#0b5cad', '#b3261e', '#1e7b34', '#7a3db8', '#8a5a00', '#006d77'];

interface Row {
  x: number;
  y: number;
  attrs: Record<string, string>;
  title?: string;
  side?: string;
}

function words(p: Point['package']): string {
  return Object.entries(p)
    .map(([k, v]) => `${k}: ${v}`)
    .join('\n');
}

// The points with both coordinates known in this projection.
function rows(points: Point[], i: number, j: number, kind: string): Row[] {
  const out: Row[] = [];
  for (const p of points) {
    const x = p.u[i];
    const y = p.u[j];
    if (x === null || x === undefined || y === null || y === undefined) continue;
    out.push({ x, y, attrs: { kind, u0: String(x), u1: String(y), package: JSON.stringify(p.package) }, title: words(p.package) });
  }
  return out;
}

// After Plot drew the marks: the elements of the mark of class mark-LABEL are
// in the rows' order (dots keep input order when r is constant).
function tag(svg: Element, label: string, data: Row[]): void {
  const g = svg.querySelector(`g.mark-${label}`);
  if (!g) return;
  const shapes = Array.from(g.children).filter((c) => c.tagName !== 'title');
  shapes.forEach((el, k) => {
    const row = data[k];
    if (!row) return;
    for (const [name, value] of Object.entries(row.attrs)) el.setAttribute(`data-${name}`, value);
  });
}

export function draw(a: Analysis, i: number, j: number): Element {
  const sides = a.sides;
  const axis = (k: number) => `${sides[k]}'s utility${a.exact[k] ? '' : ' (estimate)'}`;
  const sample = rows(a.sample, i, j, 'sample');
  // The frontier's line joins its points left to right (its order only, no
  // new values).
  const frontier = rows(a.frontier, i, j, 'frontier').sort((p, q) => p.x - q.x);
  const nash = a.nash ? rows([a.nash], i, j, 'nash') : [];
  const ks = a.kalai_smorodinsky ? rows([a.kalai_smorodinsky], i, j, 'ks') : [];
  const offers: Row[] = [];
  for (const o of a.offers) {
    const x = o.u[i];
    const y = o.u[j];
    if (x === null || x === undefined || y === null || y === undefined) continue;
    offers.push({
      x,
      y,
      side: o.side,
      attrs: { kind: 'offer', u0: String(x), u1: String(y), move: String(o.move), side: o.side, withdrawn: String(o.withdrawn) },
      title: `Offer ${o.move} (${o.kind}) by ${o.side}${o.withdrawn ? ', withdrawn' : ''}\n${words(o.package)}`,
    });
  }
  const reserveX = a.reservations[i];
  const reserveY = a.reservations[j];
  const rx: Row[] = reserveX === null ? [] : [{ x: reserveX, y: 0, attrs: { kind: 'reservation', side: sides[i], u: String(reserveX) } }];
  const ry: Row[] = reserveY === null ? [] : [{ x: 0, y: reserveY, attrs: { kind: 'reservation', side: sides[j], u: String(reserveY) } }];

  const marks: Plot.Markish[] = [
    Plot.frame({ stroke: '#c4cad1' }),
    Plot.dot(sample, { x: 'x', y: 'y', r: 1.5, fill: '#6b7480', fillOpacity: 0.25, className: 'mark-sample' }),
    Plot.ruleX(rx, { x: 'x', stroke: '#8a5a00', strokeDasharray: '4,3', className: 'mark-reservation-x' }),
    Plot.ruleY(ry, { y: 'y', stroke: '#8a5a00', strokeDasharray: '4,3', className: 'mark-reservation-y' }),
    // With two sides the frontier is a curve; with more, its projection on a
    // pair is a cloud (a line through it would zigzag), so only dots.
    ...(sides.length === 2
      ? [Plot.line(frontier, { x: 'x', y: 'y', stroke: '#1b1f24', strokeWidth: 1.5, className: 'mark-frontier-line' })]
      : []),
    Plot.dot(frontier, { x: 'x', y: 'y', r: 2.5, fill: '#1b1f24', title: 'title', className: 'mark-frontier' }),
    Plot.line(offers, { x: 'x', y: 'y', z: 'side', stroke: 'side', strokeOpacity: 0.7, className: 'mark-trajectory' }),
    Plot.dot(offers, { x: 'x', y: 'y', r: 4, fill: 'side', stroke: 'white', title: 'title', className: 'mark-offer' }),
    Plot.dot(nash, { x: 'x', y: 'y', r: 7, symbol: 'star', fill: '#e08a00', stroke: '#1b1f24', title: 'title', className: 'mark-nash' }),
    Plot.text(nash, { x: 'x', y: 'y', text: () => 'Nash', dx: 10, textAnchor: 'start', className: 'mark-nash-label' }),
    Plot.dot(ks, { x: 'x', y: 'y', r: 6, symbol: 'diamond', fill: '#00a3a3', stroke: '#1b1f24', title: 'title', className: 'mark-ks' }),
    Plot.text(ks, { x: 'x', y: 'y', text: () => 'KS', dx: -10, textAnchor: 'end', className: 'mark-ks-label' }),
  ];
  const svg = Plot.plot({
    width: 460,
    height: 400,
    marginLeft: 50,
    marginBottom: 45,
    x: { domain: [0, 1], label: axis(i), labelAnchor: 'center', labelArrow: 'none' },
    y: { domain: [0, 1], label: axis(j), labelAnchor: 'center', labelArrow: 'none' },
    color: { domain: sides, range: PALETTE.slice(0, sides.length) },
    marks,
  }) as Element;
  // Plot adds a <style> element; the CSP allows no inline style, and app.css
  // holds the same rules. Removed before the chart enters the document.
  svg.querySelectorAll('style').forEach((s) => s.remove());
  // The chart is one image to assistive technology (its table says the
  // rest): Plot's generic labels ("line", "rule") on shapes inside it are
  // attributes ARIA prohibits there.
  svg.querySelectorAll('[aria-label], [aria-description]').forEach((el) => {
    el.removeAttribute('aria-label');
    el.removeAttribute('aria-description');
  });
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', `${axis(j)} against ${axis(i)}: the table below lists every point`);
  svg.setAttribute('data-title', a.title);
  tag(svg, 'sample', sample);
  tag(svg, 'frontier', frontier);
  tag(svg, 'nash', nash);
  tag(svg, 'ks', ks);
  tag(svg, 'offer', offers);
  tag(svg, 'reservation-x', rx);
  tag(svg, 'reservation-y', ry);
  return svg;
}
