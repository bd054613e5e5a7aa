/**
 * Time-series charts with uPlot (served by slokit from the `uplot` package, see dashboard-routes.ts).
 * A chart is created when its container first has a width and follows the container's size after that;
 * colours come from the page's CSS custom properties, so light and dark themes both read well.
 */
import uPlot from './vendor/uPlot.esm.js';

/**
 * @typedef {object} SeriesSpec
 * @property {string} label legend label
 * @property {(number | null)[]} values one per x; null leaves a gap
 * @property {string} color a CSS custom property name (`--series-sli`) or a colour
 * @property {number[]} [dash] dash pattern in px (threshold lines)
 * @property {number} [width] line width in px; default 2, 1.5 when dashed
 */

/**
 * @typedef {object} ChartSpec
 * @property {string} title caption, also the chart's accessible name
 * @property {number[]} xs Unix seconds, ascending
 * @property {SeriesSpec[]} series
 * @property {(value: number) => string} format y values on the axis and in the legend
 * @property {number} [height] px, default 220
 * @property {(min: number, max: number) => [number, number]} [range] y range from the data's
 */

/** Height of uPlot's one-line legend below a chart, px. */
const LEGEND_HEIGHT = 32;

/** Every chart of the current page, so a re-render can release them (observers, listeners). */
export class ChartSet {
  constructor() {
    /** @type {Set<{ destroy(): void }>} */
    this.items = new Set();
  }

  /** @param {{ destroy(): void }} item */
  add(item) {
    this.items.add(item);
  }

  destroyAll() {
    for (const item of this.items) item.destroy();
    this.items.clear();
  }
}

/** @param {string} color */
function cssColor(color) {
  if (!color.startsWith('--')) return color;
  return getComputedStyle(document.documentElement).getPropertyValue(color).trim();
}

/**
 * A figure with a caption and a uPlot chart (or "no data" when there is none).
 * @param {ChartSpec} spec
 * @param {ChartSet} charts
 * @returns {HTMLElement}
 */
export function timeChart(spec, charts) {
  const figure = document.createElement('figure');
  figure.className = 'chart';
  const caption = document.createElement('figcaption');
  caption.textContent = spec.title;
  const area = document.createElement('div');
  area.className = 'chart-area';
  figure.append(caption, area);
  if (spec.xs.length === 0) {
    area.className = 'chart-area empty';
    area.textContent = 'No reports in this range.';
    return figure;
  }
  area.setAttribute('role', 'img');
  area.setAttribute('aria-label', `${spec.title}: chart of ${spec.series.map((s) => s.label).join(', ')}`);

  const height = spec.height ?? 220;
  // Hold the chart's place before uPlot draws, so a refresh does not shorten the page and move its scroll.
  area.style.minHeight = `${height + LEGEND_HEIGHT}px`;
  /** @type {uPlot | undefined} */
  let plot;
  const observer = new ResizeObserver(() => {
    const width = Math.floor(area.clientWidth);
    if (width <= 0) return;
    if (plot) plot.setSize({ width, height });
    else plot = new uPlot(options(spec, width, height), [spec.xs, ...spec.series.map((s) => s.values)], area);
  });
  observer.observe(area);
  charts.add({
    destroy() {
      observer.disconnect();
      plot?.destroy();
    },
  });
  return figure;
}

/**
 * Width of the y axis, px: room for its longest label (uPlot calls this with the labels it will draw).
 * @param {uPlot} _plot
 * @param {string[] | null} values
 */
function axisWidth(_plot, values) {
  const longest = Math.max(0, ...(values ?? []).map((v) => String(v).length));
  return Math.ceil(longest * 7.5 + 24);
}

/**
 * @param {ChartSpec} spec
 * @param {number} width
 * @param {number} height
 * @returns {uPlot.Options}
 */
function options(spec, width, height) {
  const range = spec.range;
  const axisColor = cssColor('--muted');
  const gridColor = cssColor('--grid');
  const axis = {
    stroke: axisColor,
    grid: { stroke: gridColor, width: 1 },
    ticks: { stroke: gridColor, width: 1 },
  };
  return {
    width,
    height,
    scales: { x: { time: true }, y: range ? { range: (_u, min, max) => range(min, max) } : {} },
    axes: [axis, { ...axis, size: axisWidth, values: (_u, values) => values.map((v) => spec.format(v)) }],
    series: [{}, ...spec.series.map((s) => seriesOptions(s, spec.format))],
    cursor: { drag: { x: true, y: false } },
  };
}

/**
 * @param {SeriesSpec} s
 * @param {(value: number) => string} format
 * @returns {uPlot.Series}
 */
function seriesOptions(s, format) {
  return {
    label: s.label,
    stroke: cssColor(s.color),
    width: s.width ?? (s.dash ? 1.5 : 2),
    dash: s.dash,
    points: { show: false },
    value: (_u, v) => (v === null || v === undefined ? '—' : format(v)),
  };
}
