// Saving a chart: its data as CSV, or its picture as PNG (the chart's SVG drawn on a canvas under
// a caption). Both are downloads of a blob: the browser saves them, and so does the Electron window
// (its default download handling asks where).
import { toCsv, type ChartTable } from './series.ts';

/** Offers a blob for download under `name`. */
export function downloadBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.rel = 'noopener';
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // Late enough for the download to have read it.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Downloads a chart's rows as `stem.csv`. */
export function saveCsv(table: ChartTable, stem: string): void {
  downloadBlob(new Blob([toCsv(table)], { type: 'text/csv;charset=utf-8' }), `${stem}.csv`);
}

/** A series named under the title of the saved picture. */
export interface LegendKey {
  label: string;
  color: string;
  shape: 'bar' | 'line' | 'dash';
}

export interface Caption {
  title: string;
  /** What the chart covers: the range, the threshold. */
  subtitle: string;
  legend: LegendKey[];
}

const SCALE = 2;
const PAD = 20;
const COLORS = { text: '#1c2430', muted: '#5b6675', faint: '#8a94a3', line: '#dde1e7' };

/** Downloads the chart drawn in `container` (its Recharts SVG) as `stem.png`, with its caption above it. */
export async function savePng(container: HTMLElement, caption: Caption, stem: string): Promise<void> {
  const svg = container.querySelector<SVGSVGElement>('.recharts-wrapper > svg');
  if (svg === null) throw new Error('the chart is not drawn yet');
  downloadBlob(await chartPng(svg, caption), `${stem}.png`);
}

/** The chart's SVG as a PNG image (twice the screen size), white background, caption on top. */
export async function chartPng(svg: SVGSVGElement, caption: Caption): Promise<Blob> {
  const box = svg.getBoundingClientRect();
  const width = Math.max(1, Math.round(box.width));
  const height = Math.max(1, Math.round(box.height));
  const font = getComputedStyle(svg).fontFamily || 'system-ui, sans-serif';
  const image = await svgImage(svg, width, height, font);

  const legendHeight = caption.legend.length > 0 ? 26 : 0;
  const top = PAD + 20 + 18 + legendHeight + 8;
  const canvas = document.createElement('canvas');
  canvas.width = (width + 2 * PAD) * SCALE;
  canvas.height = (top + height + PAD) * SCALE;
  const context = canvas.getContext('2d');
  if (context === null) throw new Error('this window cannot draw images');
  context.scale(SCALE, SCALE);
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, width + 2 * PAD, top + height + PAD);

  context.textBaseline = 'alphabetic';
  context.fillStyle = COLORS.text;
  context.font = `600 15px ${font}`;
  context.fillText(caption.title, PAD, PAD + 14);
  context.fillStyle = COLORS.muted;
  context.font = `12px ${font}`;
  context.fillText(caption.subtitle, PAD, PAD + 33);

  let x = PAD;
  const y = PAD + 38 + 18;
  for (const key of caption.legend) {
    context.fillStyle = key.color;
    context.strokeStyle = key.color;
    if (key.shape === 'bar') context.fillRect(x, y - 9, 10, 10);
    else {
      context.lineWidth = 2;
      context.setLineDash(key.shape === 'dash' ? [4, 3] : []);
      context.beginPath();
      context.moveTo(x, y - 4);
      context.lineTo(x + 16, y - 4);
      context.stroke();
      context.setLineDash([]);
    }
    x += key.shape === 'bar' ? 16 : 22;
    context.fillStyle = COLORS.muted;
    context.font = `12px ${font}`;
    context.fillText(key.label, x, y);
    x += context.measureText(key.label).width + 18;
  }

  context.drawImage(image, PAD, top, width, height);
  context.fillStyle = COLORS.faint;
  context.font = `10.5px ${font}`;
  const mark = 'Session Explorer';
  context.fillText(mark, PAD + width - context.measureText(mark).width, top + height + PAD - 6);

  return new Promise((resolve, reject) =>
    canvas.toBlob((blob) => (blob === null ? reject(new Error('the picture could not be encoded')) : resolve(blob)), 'image/png'),
  );
}

/** A standalone copy of the SVG (its font made explicit, hover marks left out), decoded as an image. */
async function svgImage(svg: SVGSVGElement, width: number, height: number, font: string): Promise<HTMLImageElement> {
  const copy = svg.cloneNode(true) as SVGSVGElement;
  copy.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  copy.setAttribute('width', String(width));
  copy.setAttribute('height', String(height));
  if (!copy.hasAttribute('viewBox')) copy.setAttribute('viewBox', `0 0 ${width} ${height}`);
  copy.setAttribute('font-family', font);
  copy.removeAttribute('style');
  copy.removeAttribute('tabindex');
  for (const hover of copy.querySelectorAll('.recharts-tooltip-cursor, .recharts-active-dot')) hover.remove();
  const text = new XMLSerializer().serializeToString(copy);
  const url = URL.createObjectURL(new Blob([text], { type: 'image/svg+xml;charset=utf-8' }));
  try {
    const image = new Image();
    image.width = width;
    image.height = height;
    image.src = url;
    await image.decode();
    return image;
  } finally {
    URL.revokeObjectURL(url);
  }
}
