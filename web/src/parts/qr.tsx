// Draws the QR code the server computed (libqrencode's module matrix: rows of
// '0'/'1') as SVG rects; the page encodes nothing itself. A quiet zone of four
// modules surrounds it, as ISO/IEC 18004 section 6.3.8 asks.
import type { Qr } from '../api';

const quiet = 4;

export function QrCode(props: { qr?: Qr; label: string }) {
  const qr = props.qr;
  if (!qr || qr.size <= 0) return null;
  const full = qr.size + 2 * quiet;
  const cells: preact.JSX.Element[] = [];
  qr.modules.forEach((row, y) => {
    for (let x = 0; x < row.length; x++) {
      if (row[x] === '1') {
        cells.push(<rect x={x + quiet} y={y + quiet} width="1" height="1" />);
      }
    }
  });
  return (
    <svg class="qr" viewBox={`0 0 ${full} ${full}`} role="img" aria-label={props.label} shape-rendering="crispEdges">
      <rect class="qr-bg" x="0" y="0" width={full} height={full} />
      {cells}
    </svg>
  );
}
