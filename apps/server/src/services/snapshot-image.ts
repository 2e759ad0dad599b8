/**
 * Image checks and processing for event snapshots (S5), with sharp (libvips).
 *
 * - {@link inspectImage}: what an upload really is, by content: the magic bytes say JPEG, PNG
 *   or WebP (the file name and declared type are ignored); the header's dimensions must stay
 *   within {@link SNAPSHOT_MAX_PIXELS} (a decompression bomb is refused before any decoding,
 *   and sharp's `limitInputPixels` refuses it again at decode); and the whole image must
 *   decode without error (`failOn: 'truncated'`), so a truncated or corrupt file is refused at
 *   the door instead of failing its image job three times later.
 * - {@link renderSnapshot}: resize to fit inside 1920×1080 (never enlarge), stamp the
 *   detection time, branch and camera in the bottom-left corner (an SVG text overlay
 *   composited by sharp), encode JPEG quality 85; and a 320×240 thumbnail (cover crop) of the
 *   unstamped picture, JPEG quality 85.
 */
import type SharpModule from 'sharp';

type Sharp = typeof SharpModule;
let sharpLoading: Promise<Sharp> | null = null;
/**
 * sharp, loaded at the first image rather than at start: libvips costs ≈ 28 MiB of resident memory
 * in each thread that loads it (measured), and most servers and the detection thread never decode
 * an image. The load is shared by concurrent first callers.
 */
function loadSharp(): Promise<Sharp> {
  return (sharpLoading ??= import('sharp').then((m) => m.default));
}
import { PantauError } from '@pantau/shared';

/** Largest accepted upload, bytes (DESIGN S5: 10 MB). */
export const SNAPSHOT_MAX_BYTES = 10 * 1024 * 1024;
/** Largest accepted image, pixels (width × height): 50 megapixels, about 8 660 × 5 773. */
export const SNAPSHOT_MAX_PIXELS = 50_000_000;
/** Processed images fit inside this box, px (DESIGN S5). */
export const IMAGE_MAX = { width: 1920, height: 1080 } as const;
/** Thumbnail size, px (DESIGN S5). */
export const THUMBNAIL = { width: 320, height: 240 } as const;
/** JPEG quality of processed images and thumbnails (DESIGN S5). */
export const JPEG_QUALITY = 85;

/** The accepted image types, by content. */
export type SnapshotMime = 'image/jpeg' | 'image/png' | 'image/webp';

/** What an accepted upload is. */
export interface InspectedImage {
  mime: SnapshotMime;
  /** File extension for the type: jpg, png, webp. */
  ext: 'jpg' | 'png' | 'webp';
  /** Pixels. */
  width: number;
  height: number;
}

/**
 * The image type from the first bytes (magic numbers): JPEG `FF D8 FF`, PNG
 * `89 50 4E 47 0D 0A 1A 0A`, WebP `RIFF....WEBP`. Sources: JPEG (ITU T.81 SOI marker),
 * PNG spec §5.2, WebP container spec (RIFF header).
 * @returns null for anything else
 */
export function sniffImageType(data: Buffer): Pick<InspectedImage, 'mime' | 'ext'> | null {
  if (data.length >= 3 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff)
    return { mime: 'image/jpeg', ext: 'jpg' };
  if (data.length >= 8 && data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])))
    return { mime: 'image/png', ext: 'png' };
  if (data.length >= 12 && data.toString('latin1', 0, 4) === 'RIFF' && data.toString('latin1', 8, 12) === 'WEBP')
    return { mime: 'image/webp', ext: 'webp' };
  return null;
}

/**
 * Check an uploaded image by its content.
 * @param data the whole file
 * @param field the form field it came in, for the error's `field`
 * @throws PantauError PAYLOAD_TOO_LARGE (413) over {@link SNAPSHOT_MAX_BYTES} or {@link SNAPSHOT_MAX_PIXELS};
 *   UNSUPPORTED_MEDIA_TYPE (415) when it is not JPEG, PNG or WebP; VALIDATION_ERROR (400) when empty, truncated or corrupt
 */
export async function inspectImage(data: Buffer, field = 'snapshot'): Promise<InspectedImage> {
  if (data.length === 0) throw new PantauError('VALIDATION_ERROR', `${field}: the file is empty`, { field });
  if (data.length > SNAPSHOT_MAX_BYTES)
    throw new PantauError('PAYLOAD_TOO_LARGE', `${field}: larger than ${SNAPSHOT_MAX_BYTES} bytes`, {
      field,
      limit_bytes: SNAPSHOT_MAX_BYTES,
    });
  const type = sniffImageType(data);
  if (!type)
    throw new PantauError(
      'UNSUPPORTED_MEDIA_TYPE',
      `${field}: not a JPEG, PNG or WebP image (judged by content, not by name)`,
      { field },
    );
  let width: number;
  let height: number;
  const sharp = await loadSharp();
  try {
    const meta = await sharp(data, { limitInputPixels: false }).metadata();
    width = meta.width ?? 0;
    height = meta.height ?? 0;
  } catch (err) {
    throw corrupt(field, err);
  }
  if (width <= 0 || height <= 0)
    throw new PantauError('VALIDATION_ERROR', `${field}: the image has no dimensions`, { field });
  if (width * height > SNAPSHOT_MAX_PIXELS) {
    throw new PantauError(
      'PAYLOAD_TOO_LARGE',
      `${field}: ${width}×${height} px is more than ${SNAPSHOT_MAX_PIXELS / 1e6} megapixels`,
      { field, limit_pixels: SNAPSHOT_MAX_PIXELS },
    );
  }
  try {
    // a full decode at reduced size (JPEG shrink-on-load still reads every scan): catches truncation and corruption
    await sharp(data, { failOn: 'truncated', limitInputPixels: SNAPSHOT_MAX_PIXELS })
      .resize(64, 64, { fit: 'inside' })
      .raw()
      .toBuffer();
  } catch (err) {
    throw corrupt(field, err);
  }
  return { ...type, width, height };
}

function corrupt(field: string, err: unknown): PantauError {
  const why = err instanceof Error ? err.message.split('\n')[0] : String(err);
  return new PantauError('VALIDATION_ERROR', `${field}: the image is truncated or corrupt (${why})`, { field });
}

/** One encoded picture. */
export interface EncodedImage {
  data: Buffer;
  /** Pixels. */
  width: number;
  height: number;
}

/** Text of the stamp: one or two short lines. */
export interface Stamp {
  /** e.g. `2026-11-21 10:00:00 WIB` */
  time: string;
  /** e.g. `Jakarta Pusat · Lobby` */
  place: string;
}

const xmlEscape = (s: string) =>
  s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);

/** An SVG band with the stamp's two lines, sized to the image width (font ≈ 2.2 % of the width, at least 12 px). */
export function stampSvg(stamp: Stamp, imageWidth: number): { svg: Buffer; height: number } {
  const font = Math.max(12, Math.round(imageWidth * 0.022));
  const pad = Math.round(font * 0.5);
  const height = font * 2 + pad * 3;
  const width = Math.min(
    imageWidth,
    Math.round(font * 0.68 * Math.max(stamp.time.length, stamp.place.length) + pad * 2),
  );
  const text = (y: number, s: string, weight: number) =>
    `<text x="${pad}" y="${y}" font-family="DejaVu Sans, Arial, sans-serif" font-size="${font}" font-weight="${weight}" fill="#ffffff">${xmlEscape(s)}</text>`;
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">` +
    `<rect width="100%" height="100%" fill="#000000" fill-opacity="0.55"/>` +
    text(pad + font * 0.85, stamp.time, 700) +
    text(pad * 2 + font * 1.85, stamp.place, 400) +
    `</svg>`;
  return { svg: Buffer.from(svg), height };
}

/**
 * Make the processed image and the thumbnail of a snapshot.
 * @param original the stored original (any accepted type)
 * @returns JPEG buffers with their pixel sizes
 * @throws Error from sharp when the original cannot be decoded
 */
export async function renderSnapshot(
  original: Buffer,
  stamp: Stamp,
): Promise<{ image: EncodedImage; thumbnail: EncodedImage }> {
  const sharp = await loadSharp();
  // decode once: auto-orient (EXIF), fit inside 1920×1080, flatten any alpha onto black
  const { data, info } = await sharp(original, { failOn: 'truncated', limitInputPixels: SNAPSHOT_MAX_PIXELS })
    .rotate()
    .resize(IMAGE_MAX.width, IMAGE_MAX.height, { fit: 'inside', withoutEnlargement: true })
    .flatten({ background: '#000000' })
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const raw = { raw: { width: info.width, height: info.height, channels: info.channels } };
  const band = stampSvg(stamp, info.width);
  const [image, thumbnail] = await Promise.all([
    sharp(data, raw)
      // an image lower than the band (a few dozen px) goes unstamped rather than failing
      .composite(band.height <= info.height ? [{ input: band.svg, left: 0, top: info.height - band.height }] : [])
      .jpeg({ quality: JPEG_QUALITY, mozjpeg: false })
      .toBuffer(),
    sharp(data, raw)
      .resize(THUMBNAIL.width, THUMBNAIL.height, { fit: 'cover', position: 'attention' })
      .jpeg({ quality: JPEG_QUALITY })
      .toBuffer(),
  ]);
  return {
    image: { data: image, width: info.width, height: info.height },
    thumbnail: { data: thumbnail, width: THUMBNAIL.width, height: THUMBNAIL.height },
  };
}
