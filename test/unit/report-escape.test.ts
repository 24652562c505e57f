import { describe, expect, it } from 'vitest';
import { escapeHtml, jsonForScript } from '../../src/report/escape.js';
import type { ReportData } from '../../src/report/model.js';
import { reportHtml } from '../../src/report/page/html.js';

const HOSTILE = `</script><script>alert(1)</script><!--"'&<img src=x onerror=alert(2)>\u2028`;

describe('HTML escaping', () => {
  it('escapes the five characters that matter in text and quoted attributes', () => {
    expect(escapeHtml(`<a href="x" title='y'>&amp;</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;',
    );
    expect(escapeHtml('Été 2024/chaise longue.png')).toBe('Été 2024/chaise longue.png');
  });
});

describe('JSON inside a script element', () => {
  it('holds no character that could end the element, and reads back as it was', () => {
    const json = jsonForScript({ name: HOSTILE });
    expect(json).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(json)).toEqual({ name: HOSTILE });
  });
});

describe('the report page', () => {
  const data: ReportData = {
    title: HOSTILE,
    run: null,
    rows: [{ kind: 'result', input: HOSTILE, output: `${HOSTILE}.png`, status: 'failed', error: HOSTILE }],
  };

  it('carries outside text only escaped: in the title as HTML, in the data as JSON', () => {
    const html = reportHtml(data);
    expect(html.match(/<script/g)).toHaveLength(2);
    expect(html).not.toContain('<img');
    expect(html).toContain(`<title>Photoroom report: ${escapeHtml(HOSTILE)}</title>`);
    expect(html).toContain(jsonForScript(data));
  });

  it('lets in only its own style and script, and nothing from the network', () => {
    const policy = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(reportHtml(data))?.[1];
    expect(policy).toMatch(
      /^default-src 'none'; img-src 'self' file:; style-src 'sha256-[^']+'; script-src 'sha256-[^']+'$/,
    );
  });
});
