/** The report page's stylesheet, inlined in its <style> element. */
export const PAGE_STYLE = `
:root {
  --ink: #1d2330; --muted: #667085; --line: #e4e7ec; --paper: #ffffff; --ground: #f5f6f8;
  --accent: #5b3df5; --bad: #c4320a; --bad-soft: #fef3f2; --warn: #b54708; --warn-soft: #fffaeb;
  --good: #067647; --good-soft: #ecfdf3; --thumb: 112px;
  color-scheme: light;
}
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--ground); }
header.top { position: sticky; top: 0; z-index: 1; background: var(--paper); border-bottom: 1px solid var(--line); padding: 14px 24px 12px; }
h1 { margin: 0; font-size: 18px; font-weight: 650; }
h1 .folder { font-weight: 400; color: var(--muted); margin-left: 6px; }
.run { margin: 8px 0 12px; color: var(--muted); }
.run > div { display: flex; flex-wrap: wrap; gap: 6px 18px; }
.run > div + div { margin-top: 4px; }
.run b { color: var(--ink); font-weight: 600; }
.run .failed b { color: var(--bad); }
.filters { display: flex; flex-wrap: wrap; align-items: center; gap: 8px; }
.filters button { font: inherit; border: 1px solid var(--line); background: var(--paper); color: var(--ink); border-radius: 999px; padding: 4px 12px; cursor: pointer; }
.filters button:hover { border-color: #c7ccd6; }
.filters button[aria-pressed="true"] { background: var(--ink); border-color: var(--ink); color: #fff; }
.filters .count { margin-left: 6px; padding: 0 6px; border-radius: 999px; background: rgba(16, 24, 40, .07); font-size: 12px; font-variant-numeric: tabular-nums; }
.filters button[aria-pressed="true"] .count { background: rgba(255, 255, 255, .2); }
.filters .threshold { display: inline-flex; align-items: center; gap: 6px; color: var(--muted); }
.filters input[type="range"] { width: 120px; accent-color: var(--accent); }
.filters input[type="search"] { font: inherit; margin-left: auto; min-width: 220px; padding: 5px 10px; border: 1px solid var(--line); border-radius: 8px; }
main { padding: 12px 24px 48px; }
.shown { margin: 0 0 10px; color: var(--muted); }
ol.rows { list-style: none; margin: 0; padding: 0; display: grid; gap: 8px; }
.row { display: grid; grid-template-columns: var(--thumb) var(--thumb) minmax(0, 1fr); gap: 16px; align-items: start; background: var(--paper); border: 1px solid var(--line); border-radius: 10px; padding: 10px; }
.row.failed, .row.refused { box-shadow: inset 4px 0 0 var(--bad); }
.row.image { grid-template-columns: var(--thumb) minmax(0, 1fr); }
.judged .row { grid-template-columns: var(--thumb) var(--thumb) minmax(0, 1fr) minmax(180px, 32%); }
.judged .row.image { grid-template-columns: var(--thumb) minmax(0, 1fr) minmax(180px, 40%); }
.verdict { font-size: 13px; overflow-wrap: anywhere; }
.verdict .head { margin: 0; font-weight: 600; color: var(--muted); }
.verdict.pass .head { color: var(--good); }
.verdict.refused .head { color: var(--bad); }
.verdict.unjudged .head { color: var(--warn); }
.verdict .reasons { margin: 4px 0 0; padding-left: 18px; }
figure { margin: 0; }
figcaption { font-size: 11px; color: var(--muted); text-align: center; margin-top: 2px; }
.thumb { display: flex; align-items: center; justify-content: center; width: var(--thumb); height: var(--thumb); border-radius: 6px; overflow: hidden; border: 1px solid var(--line);
  background: var(--ground); }
.thumb img { display: block; max-width: 100%; max-height: 100%; object-fit: contain;
  background: #fff repeating-conic-gradient(#eef0f3 0% 25%, #fff 0% 50%) 50% / 16px 16px; }
.thumb img.enlarged { max-width: none; max-height: none; image-rendering: pixelated; }
.thumb.none { background: var(--ground); color: var(--muted); font-size: 12px; text-align: center; padding: 8px; overflow-wrap: anywhere; }
a.thumb.none { flex-direction: column; gap: 4px; text-decoration: none; }
.thumb .unshown { font-size: 11px; }
.title { display: flex; flex-wrap: wrap; align-items: baseline; gap: 4px 10px; }
.title .name { font-weight: 600; overflow-wrap: anywhere; }
.title .from { color: var(--muted); overflow-wrap: anywhere; }
.badges { display: flex; flex-wrap: wrap; gap: 6px; margin: 6px 0; }
.badge { border-radius: 999px; padding: 1px 9px; font-size: 12px; font-weight: 600; font-variant-numeric: tabular-nums; background: var(--ground); color: var(--muted); }
.badge.bad { background: var(--bad-soft); color: var(--bad); }
.badge.warn { background: var(--warn-soft); color: var(--warn); }
.badge.good { background: var(--good-soft); color: var(--good); }
.error { margin: 4px 0; padding: 6px 10px; background: var(--bad-soft); color: var(--bad); border-radius: 6px; overflow-wrap: anywhere; }
dl.facts { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: 3px 12px; margin: 4px 0 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
dd.ignored { color: var(--warn); }
code { font: 13px ui-monospace, SFMono-Regular, Menlo, monospace; background: var(--ground); padding: 1px 6px; border-radius: 4px; user-select: all; }
button.copy { font: inherit; font-size: 12px; margin-left: 6px; padding: 0 8px; border: 1px solid var(--line); border-radius: 6px; background: var(--paper); cursor: pointer; }
a { color: var(--accent); }
.meta { margin: 8px 0 0; color: var(--muted); font-size: 12px; }
.meta code.sent { user-select: text; font-size: 12px; }
.empty { padding: 40px; text-align: center; color: var(--muted); }
`;
