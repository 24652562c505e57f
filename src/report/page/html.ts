/**
 * The report as one self-contained HTML file: its style, script and data inline, images by
 * relative path. A Content-Security-Policy lets in only this page's own style and script
 * (by hash) and images: whatever a file name or header holds, no other script runs and
 * nothing is fetched from the network.
 */
import { createHash } from 'node:crypto';
import { escapeHtml, jsonForScript } from '../escape.js';
import type { ReportData } from '../model.js';
import { PAGE_SCRIPT } from './script.js';
import { PAGE_STYLE } from './style.js';

const hashSource = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "img-src 'self' file:",
  `style-src ${hashSource(PAGE_STYLE)}`,
  `script-src ${hashSource(PAGE_SCRIPT)}`,
].join('; ');

const button = (view: string, label: string) =>
  `<button type="button" data-view="${view}">${label}<span class="count"></span></button>`;

/**
 * The filters that mean something for these rows: "would be refused" where a preset judged
 * them; the uncertainty and ignored parameters only where a run sent them to the API.
 */
function filterButtons(data: ReportData): string {
  const checked = data.checkedAgainst !== undefined;
  return [
    button('all', 'All'),
    ...(data.rows.some((row) => row.compliance !== undefined) ? [button('refused', 'Would be refused')] : []),
    button('failed', checked ? 'Could not be read' : 'Failed'),
    ...(checked
      ? []
      : [
          `<span class="threshold">
      <button type="button" data-view="uncertain">Uncertain ≥ <span id="threshold-value"></span><span class="count"></span></button>
      <input type="range" id="threshold" min="0" max="1" step="0.01" value="0.5" aria-label="Uncertainty threshold">
    </span>`,
          button('ignored', 'Ignored parameters'),
        ]),
  ].join('\n    ');
}

export function reportHtml(data: ReportData): string {
  const title = escapeHtml(data.title);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">
<meta name="generator" content="photoroom report">
<title>Photoroom report: ${title}</title>
<style>${PAGE_STYLE}</style>
</head>
<body>
<header class="top">
  <h1>Photoroom report<span class="folder">${title}</span></h1>
  <div class="run" id="run"></div>
  <nav class="filters" aria-label="Filters">
    ${filterButtons(data)}
    <input type="search" id="search" placeholder="Filter by file name" aria-label="Filter by file name">
  </nav>
</header>
<main>
  <p class="shown" id="shown"></p>
  <ol class="rows${data.rows.some((row) => row.compliance !== undefined) ? ' judged' : ''}" id="rows"></ol>
  <p class="empty" id="empty" hidden>Nothing to show with these filters.</p>
  <div id="more"></div>
  <noscript><p class="empty">This page needs JavaScript to list its results.</p></noscript>
</main>
<script type="application/json" id="report-data">${jsonForScript(data)}</script>
<script>${PAGE_SCRIPT}</script>
</body>
</html>
`;
}
