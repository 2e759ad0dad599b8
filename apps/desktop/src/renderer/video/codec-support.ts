/**
 * Which video codecs this console decodes, asked of Media Source Extensions per codec string
 * (issue 15). The answer goes with every live request (`codecs=`), so the gateway transcodes a
 * camera this console cannot decode (H.265 in a Chromium without a hardware HEVC decoder, like
 * many control-room PCs) and copies everything else.
 *
 * Codec strings (RFC 6381; ISO/IEC 14496-15): H.264 Constrained Baseline level 3.0, what every
 * MSE browser decodes; HEVC Main profile level 3.1 as `hvc1` (parameter sets out of band, what
 * mpegts.js writes) or `hev1`.
 */
import type { VideoCodec } from '@pantau/shared';

/** The codec strings asked for each codec; any one supported counts. */
export const CODEC_PROBES: Record<VideoCodec, readonly string[]> = {
  h264: ['video/mp4; codecs="avc1.42E01E"'],
  hevc: ['video/mp4; codecs="hvc1.1.6.L93.B0"', 'video/mp4; codecs="hev1.1.6.L93.B0"'],
};

/** What `MediaSource.isTypeSupported` answers (injected in tests). */
export type TypeSupport = (type: string) => boolean;

/** The MediaSource of this page, or null where there is none (Node, old Safari). */
function pageSupport(): TypeSupport | null {
  const ms = (globalThis as { MediaSource?: { isTypeSupported(type: string): boolean } }).MediaSource;
  return ms ? (type) => ms.isTypeSupported(type) : null;
}

/**
 * The codecs this page decodes through MSE, in a fixed order (`h264` first).
 * @param support defaults to this page's `MediaSource.isTypeSupported`
 */
export function decodableCodecs(support: TypeSupport | null = pageSupport()): VideoCodec[] {
  if (!support) return [];
  return (Object.keys(CODEC_PROBES) as VideoCodec[]).filter((codec) =>
    CODEC_PROBES[codec].some((type) => {
      try {
        return support(type);
      } catch {
        return false;
      }
    }),
  );
}

/** Display names of codecs as the field writes them. */
export function codecLabel(codec: string | null): string {
  switch (codec) {
    case 'hevc':
      return 'H.265';
    case 'h264':
      return 'H.264';
    case 'mjpeg':
      return 'MJPEG';
    case 'mpeg4':
      return 'MPEG-4';
    case null:
      return '?';
    default:
      return codec.toUpperCase();
  }
}

let cached: VideoCodec[] | null = null;

/** {@link decodableCodecs} of this page, asked once. */
export function pageCodecs(): VideoCodec[] {
  cached ??= decodableCodecs();
  return cached;
}
