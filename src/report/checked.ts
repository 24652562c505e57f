/**
 * `check --report`: the images `photoroom check` judged, as rows of the review page. Nothing
 * was sent, so each row is the image itself (an `ImageRow`), with no input and output pair.
 */
import path from 'node:path';
import type { Verdict } from '../check/judge.js';
import type { CheckEvent } from '../check/run.js';
import { fileHref, webHref } from './links.js';
import { byReviewOrder, type ImageRow, type ReportData, type RowCompliance } from './model.js';

export interface CheckedPlace {
  /** Where the page goes: its links to the images are relative to it. */
  folder: string;
  /** The working folder the check named its images from. */
  cwd: string;
}

/**
 * The verdict as `check` counts it: refused when a rule failed; neither a pass nor a refusal
 * when the pixels could not be measured (no rule judged: the image counts as could not be read).
 */
function complianceOf(verdict: Verdict): RowCompliance {
  if (verdict.unmeasured !== undefined)
    return { preset: verdict.preset, verdict: 'unjudged', reasons: [`could not be measured: ${verdict.unmeasured}`] };
  const reasons = verdict.failures.map((failure) => failure.reason);
  return { preset: verdict.preset, verdict: verdict.pass ? 'pass' : 'refused', reasons };
}

/** One image's row, from the event that told its verdict; undefined for an event about no image. */
export function imageRowOf(event: CheckEvent, preset: string, place: CheckedPlace): ImageRow | undefined {
  if (event.type === 'checked') {
    const compliance = complianceOf(event.verdict);
    return {
      kind: 'image',
      image: event.input,
      imageHref: fileHref(place.folder, event.path),
      status: compliance.verdict === 'unjudged' ? 'failed' : 'ok',
      compliance,
    };
  }
  if (event.type !== 'unreadable') return undefined;
  // A URL is not shown: the page fetches nothing from the network.
  const onDisk = webHref(event.input) === undefined;
  return {
    kind: 'image',
    image: event.input,
    ...(onDisk && { imageHref: fileHref(place.folder, path.resolve(place.cwd, event.input)) }),
    status: 'failed',
    compliance: { preset, verdict: 'unjudged', reasons: [`could not be read: ${event.reason}`] },
  };
}

/** The page's data: every image told, would-be-refused first. */
export function checkReportData(title: string, preset: string, rows: readonly ImageRow[]): ReportData<ImageRow> {
  return { title, run: null, checkedAgainst: preset, rows: [...rows].sort(byReviewOrder) };
}
