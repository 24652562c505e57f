/**
 * Pure geometry of `/v2/edit` positioning: the output size and where the reference box (the
 * subject box, or the whole original image) lands in it. No pixels here.
 *
 * Model, after Photoroom's positioning docs: margins are taken from each side of the output
 * (a ratio of the output width for left/right, of its height for top/bottom); padding is then
 * taken from what is left (a ratio of the output minus margins, as in CSS); the remaining
 * target area receives the reference box, scaled to fit (or fill) it and aligned in it.
 */
import type { EnumOf } from '../params/table.js';

export interface Size {
  width: number;
  height: number;
}

export interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** A margin or padding as canonicalised by the parameter parser: ratio, `"30%"` or `"100px"`. */
export type Length = number | string;

export interface Sides<T> {
  top: T;
  right: T;
  bottom: T;
  left: T;
}

export type HorizontalAlignment = EnumOf<'horizontalAlignment'>;
export type VerticalAlignment = EnumOf<'verticalAlignment'>;

export interface LayoutRequest {
  /** The input image the subject was found in. */
  frame: Size;
  /** The subject's bounding box in the frame. */
  subject: Box;
  /** `auto`, `originalImage`, `croppedSubject` or `WIDTHxHEIGHT`. */
  outputSize: string;
  scaling: 'fit' | 'fill';
  margin: Sides<Length>;
  padding: Sides<Length>;
  horizontalAlignment?: HorizontalAlignment;
  verticalAlignment?: VerticalAlignment;
  /** `ignorePaddingAndSnapOnCroppedSides`. */
  snapCroppedSides: boolean;
  referenceBox: 'subjectBox' | 'originalImage';
  maxWidth?: number;
  maxHeight?: number;
}

export interface Layout {
  canvas: Size;
  /** What is placed, in frame coordinates: the subject box or the whole frame. */
  reference: Box;
  /** Where the reference box lands on the canvas; may overflow it with `scaling=fill`. */
  placement: Box;
}

/** A length split into the part relative to its base and the absolute part. */
interface Linear {
  ratio: number;
  px: number;
}

/** One axis of the layout: margins and paddings at its start (left/top) and end (right/bottom). */
interface Axis {
  marginStart: Linear;
  marginEnd: Linear;
  paddingStart: Linear;
  paddingEnd: Linear;
}

type Anchor = 'start' | 'center' | 'end';

export function parseLength(value: Length): Linear {
  if (typeof value === 'number') return { ratio: value, px: 0 };
  const text = value.trim();
  if (text.endsWith('%')) return { ratio: Number(text.slice(0, -1)) / 100, px: 0 };
  if (text.endsWith('px')) return { ratio: 0, px: Number(text.slice(0, -2)) };
  return { ratio: Number(text), px: 0 };
}

/** The general value on every side, replaced by the per-side overrides that are given. */
export function resolveSides(general: Length, overrides: Partial<Sides<Length>>): Sides<Length> {
  return {
    top: overrides.top ?? general,
    right: overrides.right ?? general,
    bottom: overrides.bottom ?? general,
    left: overrides.left ?? general,
  };
}

const amount = (length: Linear, base: number) => length.ratio * base + length.px;

/** Start offset and length of the target area on an axis of `total` pixels. */
function targetSpan(total: number, axis: Axis): { start: number; length: number } {
  const marginStart = amount(axis.marginStart, total);
  const inner = total - marginStart - amount(axis.marginEnd, total);
  const paddingStart = amount(axis.paddingStart, inner);
  const length = inner - paddingStart - amount(axis.paddingEnd, inner);
  return { start: marginStart + paddingStart, length: Math.max(1, length) };
}

/** The inverse of `targetSpan`: the total that leaves exactly `content` pixels of target area. */
function totalFor(content: number, axis: Axis): number {
  const inner =
    (content + axis.paddingStart.px + axis.paddingEnd.px) / (1 - axis.paddingStart.ratio - axis.paddingEnd.ratio);
  const total = (inner + axis.marginStart.px + axis.marginEnd.px) / (1 - axis.marginStart.ratio - axis.marginEnd.ratio);
  return Math.max(1, Math.round(total));
}

const ANCHOR_FACTOR: Record<Anchor, number> = { start: 0, center: 0.5, end: 1 };

function anchorOf(alignment: HorizontalAlignment | VerticalAlignment): Anchor {
  if (alignment === 'left' || alignment === 'top') return 'start';
  if (alignment === 'right' || alignment === 'bottom') return 'end';
  return 'center';
}

/**
 * Builds one axis. A side of the subject that touches the frame edge is a cropped side: when
 * snapping is on (and no explicit alignment was asked for on this axis) its padding is dropped
 * and the subject is anchored to that side, so it meets the output edge minus the margin.
 */
function buildAxis(
  margin: [Length, Length],
  padding: [Length, Length],
  cropped: [boolean, boolean],
  snap: boolean,
  alignment: HorizontalAlignment | VerticalAlignment | undefined,
): { axis: Axis; anchor: Anchor } {
  const snapStart = snap && alignment === undefined && cropped[0];
  const snapEnd = snap && alignment === undefined && cropped[1];
  const none: Linear = { ratio: 0, px: 0 };
  const axis: Axis = {
    marginStart: parseLength(margin[0]),
    marginEnd: parseLength(margin[1]),
    paddingStart: snapStart ? none : parseLength(padding[0]),
    paddingEnd: snapEnd ? none : parseLength(padding[1]),
  };
  let anchor: Anchor = 'center';
  if (alignment !== undefined) anchor = anchorOf(alignment);
  else if (snapStart && !snapEnd) anchor = 'start';
  else if (snapEnd && !snapStart) anchor = 'end';
  return { axis, anchor };
}

function canvasSize(request: LayoutRequest, reference: Box, horizontal: Axis, vertical: Axis): Size {
  const custom = /^(\d+)x(\d+)$/.exec(request.outputSize);
  if (custom) return { width: Number(custom[1]), height: Number(custom[2]) };
  if (request.outputSize === 'croppedSubject') {
    return { width: totalFor(reference.width, horizontal), height: totalFor(reference.height, vertical) };
  }
  return { width: request.frame.width, height: request.frame.height };
}

/** Rounds a span so that its two edges land on whole pixels, never collapsing it. */
function roundSpan(start: number, length: number): [number, number] {
  const first = Math.round(start);
  return [first, Math.max(1, Math.round(start + length) - first)];
}

/** Output size and subject placement for a request. */
export function computeLayout(request: LayoutRequest): Layout {
  const { frame, subject } = request;
  const useSubject = request.referenceBox === 'subjectBox';
  const reference: Box = useSubject ? subject : { left: 0, top: 0, width: frame.width, height: frame.height };
  const snap = request.snapCroppedSides && useSubject;

  const horizontal = buildAxis(
    [request.margin.left, request.margin.right],
    [request.padding.left, request.padding.right],
    [subject.left <= 0, subject.left + subject.width >= frame.width],
    snap,
    request.horizontalAlignment,
  );
  const vertical = buildAxis(
    [request.margin.top, request.margin.bottom],
    [request.padding.top, request.padding.bottom],
    [subject.top <= 0, subject.top + subject.height >= frame.height],
    snap,
    request.verticalAlignment,
  );

  const canvas = canvasSize(request, reference, horizontal.axis, vertical.axis);
  const spanX = targetSpan(canvas.width, horizontal.axis);
  const spanY = targetSpan(canvas.height, vertical.axis);
  const scaleX = spanX.length / reference.width;
  const scaleY = spanY.length / reference.height;
  const scale = request.scaling === 'fill' ? Math.max(scaleX, scaleY) : Math.min(scaleX, scaleY);
  const width = reference.width * scale;
  const height = reference.height * scale;
  const left = spanX.start + (spanX.length - width) * ANCHOR_FACTOR[horizontal.anchor];
  const top = spanY.start + (spanY.length - height) * ANCHOR_FACTOR[vertical.anchor];

  const [x, w] = roundSpan(left, width);
  const [y, h] = roundSpan(top, height);
  return shrinkToMax({ canvas, reference, placement: { left: x, top: y, width: w, height: h } }, request);
}

/** `maxWidth`/`maxHeight`: scales the whole result down, keeping its aspect ratio. */
function shrinkToMax(layout: Layout, request: LayoutRequest): Layout {
  const { canvas, placement } = layout;
  const factor = Math.min(
    1,
    (request.maxWidth ?? Infinity) / canvas.width,
    (request.maxHeight ?? Infinity) / canvas.height,
  );
  if (factor >= 1) return layout;
  const [left, width] = roundSpan(placement.left * factor, placement.width * factor);
  const [top, height] = roundSpan(placement.top * factor, placement.height * factor);
  return {
    canvas: {
      width: Math.max(1, Math.round(canvas.width * factor)),
      height: Math.max(1, Math.round(canvas.height * factor)),
    },
    reference: layout.reference,
    placement: { left, top, width, height },
  };
}
