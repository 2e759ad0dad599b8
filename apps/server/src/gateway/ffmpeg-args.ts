/**
 * The arguments of the gateway's ffmpeg runs (ffmpeg-upstream.ts runs them): input flags per
 * transport, the copy or the H.264 transcode (h264-encoder.ts) of the first video stream into
 * MPEG-TS on stdout, the audio for unmuted tiles, and the still frames on fd 3 with the splitter
 * that cuts them apart. Pure functions and one small parser, tested without a process.
 */
import type { StreamSource } from './gateway-types.js';
import { encoderArgs, type H264Encoder } from './h264-encoder.js';

/**
 * Audio with the video (a maximised tile unmuted): `copy` for AAC, which browsers play; `aac`
 * re-encodes anything else (G.711 PCMA/PCMU as cameras send it at 8 kHz) to AAC-LC, mono 16 kHz,
 * 48 kbit/s — a second of it costs ffmpeg well under 1 % of a core.
 */
export type AudioMode = 'copy' | 'aac';

/** ffmpeg arguments of the audio: the first audio stream if there is one (`?`: none is no error). */
export function audioArgs(mode: AudioMode | null): string[] {
  if (mode === null) return [];
  return [
    '-map',
    '0:a:0?',
    ...(mode === 'copy' ? ['-c:a', 'copy'] : ['-c:a', 'aac', '-ac', '1', '-ar', '16000', '-b:a', '48k']),
  ];
}

/**
 * Still frames beside the remux (big walls): the same ffmpeg decodes only the key frames
 * (`-skip_frame nokey`: about one a second, ~1 ms each at substream size) and writes each as a
 * JPEG, at most `maxHeight` px tall, to its fd 3. Far cheaper than an ffmpeg per still: 36 tiles
 * refreshed every 3 s by spawned decoders cost ~0.7 of a core here, this a few %. Copy only: a
 * transcode must decode every frame.
 */
export interface StillsSpec {
  maxHeight: number;
}

/** ffmpeg arguments of the still output (fd 3); empty when none. */
export function stillArgs(stills: StillsSpec | null): string[] {
  if (!stills) return [];
  return [
    '-map',
    '0:v:0',
    '-fps_mode',
    'vfr',
    '-vf',
    `scale=-2:'min(${stills.maxHeight},ih)'`,
    '-c:v',
    'mjpeg',
    '-q:v',
    '5',
    '-f',
    'image2pipe',
    '-flush_packets',
    '1',
    'pipe:3',
  ];
}

/**
 * Cuts a stream of concatenated JPEGs (ffmpeg's image2pipe) into images: each runs from its SOI
 * (FF D8) to its EOI (FF D9). Inside a JPEG an FF in entropy-coded data is always followed by 00
 * or a restart marker, so the first FF D9 ends the image (ffmpeg's encoder writes no thumbnail).
 */
export class JpegSplitter {
  private buffered: Buffer = Buffer.alloc(0);
  /** Bytes kept waiting for an EOI at most; past it the partial image is dropped. */
  constructor(private readonly maxBytes = 4 * 1024 * 1024) {}

  /** Feed bytes; returns the images they completed. */
  push(chunk: Buffer): Buffer[] {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    const images: Buffer[] = [];
    for (;;) {
      const start = this.buffered.indexOf(SOI);
      if (start < 0) {
        // a chunk may end between the two bytes of the next SOI
        this.buffered = this.buffered.at(-1) === 0xff ? this.buffered.subarray(-1) : Buffer.alloc(0);
        break;
      }
      const end = this.buffered.indexOf(EOI, start + 2);
      if (end < 0) {
        this.buffered = this.buffered.subarray(start);
        if (this.buffered.length > this.maxBytes) this.buffered = Buffer.alloc(0);
        break;
      }
      images.push(Buffer.from(this.buffered.subarray(start, end + 2)));
      this.buffered = this.buffered.subarray(end + 2);
    }
    return images;
  }

  /** Forget a partial image (a new ffmpeg run). */
  reset(): void {
    this.buffered = Buffer.alloc(0);
  }
}
const SOI = Buffer.from([0xff, 0xd8]);
const EOI = Buffer.from([0xff, 0xd9]);

/** A transcode instead of a remux: the encoder and the output height (px; null = the source's). */
export interface TranscodeSpec {
  encoder: H264Encoder;
  height: number | null;
}

/**
 * ffmpeg arguments for one run: low-latency input flags, stream copy of the first video
 * stream (or its transcode to H.264) into MPEG-TS on stdout, flushed per packet.
 * @param source camera URL (with credentials), protocol and RTSP transport (TCP unless `udp`)
 * @param opts `tsOffsetS`: added to every output timestamp, seconds, so that timestamps keep
 *   increasing across restarts (players such as mpegts.js tolerate gaps better than jumps back);
 *   `ioTimeoutMs`: socket I/O timeout handed to ffmpeg; `transcode`: re-encode instead of copy
 */
export function buildFfmpegArgs(
  source: StreamSource,
  opts: {
    tsOffsetS: number;
    ioTimeoutMs: number;
    transcode?: TranscodeSpec | null;
    audio?: AudioMode | null;
    stills?: StillsSpec | null;
  },
): string[] {
  const ioTimeoutUs = String(Math.round(opts.ioTimeoutMs * 1000));
  const isRtsp = /^rtsps?:/i.test(source.url) || source.protocol === 'rtsp';
  const transport = isRtsp
    ? ['-rtsp_transport', source.transport === 'udp' ? 'udp' : 'tcp', '-timeout', ioTimeoutUs]
    : ['-rw_timeout', ioTimeoutUs];
  const encode = opts.transcode ? encoderArgs(opts.transcode.encoder, opts.transcode.height) : null;
  const stills = encode ? null : (opts.stills ?? null);
  return [
    '-hide_banner',
    '-loglevel',
    'error',
    '-nostdin',
    ...transport,
    // the decoder (only the still output decodes) skips all but key frames; a copy is not decoded
    ...(stills ? ['-skip_frame', 'nokey'] : []),
    ...(encode?.input ?? []),
    // Measured on the test source: default probing took 2.1 s to first bytes, these 1.1 s
    // (the rest is waiting for the camera's next key frame).
    '-fflags',
    'nobuffer',
    '-flags',
    'low_delay',
    '-analyzeduration',
    '500000',
    '-probesize',
    '500000',
    '-i',
    source.url,
    '-map',
    '0:v:0',
    ...(encode ? encode.output : opts.audio ? ['-c:v', 'copy'] : ['-c', 'copy']),
    ...audioArgs(opts.audio ?? null),
    '-output_ts_offset',
    opts.tsOffsetS.toFixed(3),
    '-f',
    'mpegts',
    '-muxdelay',
    '0',
    '-muxpreload',
    '0',
    '-flush_packets',
    '1',
    'pipe:1',
    ...stillArgs(stills),
  ];
}
