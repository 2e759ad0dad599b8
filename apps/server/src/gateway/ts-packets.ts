/**
 * Just enough MPEG-TS (ISO/IEC 13818-1) to serve live viewers: cut a byte stream into whole
 * 188-byte packets, keep the latest PAT and PMT, and find random-access points (key frames)
 * on the video PID so a viewer who joins late can start at the last key frame.
 */

/** Size of one transport-stream packet, bytes. */
export const TS_PACKET_SIZE = 188;
/** First byte of every TS packet. */
export const TS_SYNC_BYTE = 0x47;
/** PID of the Program Association Table. */
export const PAT_PID = 0x0000;

/** PMT stream_type values that carry video (MPEG-1/2, MPEG-4 part 2, H.264, HEVC, AVS2/3, VVC). */
const VIDEO_STREAM_TYPES = new Set([0x01, 0x02, 0x10, 0x1b, 0x24, 0x33, 0xd2, 0xd4]);

/**
 * Re-chunks an arbitrary byte stream (e.g. ffmpeg's stdout) into runs of whole TS packets.
 * Bytes of a trailing partial packet are held until the next push. If the stream is not
 * aligned on a sync byte, bytes are skipped up to the next position where two sync bytes
 * sit 188 bytes apart (or one sync byte at the end of what has arrived).
 */
export class TsPacketAligner {
  private rest: Buffer = Buffer.alloc(0);
  /** Bytes thrown away while looking for sync, in total. */
  skippedBytes = 0;

  /**
   * Add bytes; returns the whole packets now available (length a multiple of 188), or null
   * when there are none yet. The returned buffer may share memory with `data`: do not mutate.
   */
  push(data: Buffer): Buffer | null {
    let buf = this.rest.length === 0 ? data : Buffer.concat([this.rest, data]);
    const start = findSync(buf);
    if (start < 0) {
      // Keep only what could still be the beginning of a packet.
      const keep = Math.min(buf.length, TS_PACKET_SIZE - 1);
      this.skippedBytes += buf.length - keep;
      this.rest = Buffer.from(buf.subarray(buf.length - keep));
      return null;
    }
    if (start > 0) {
      this.skippedBytes += start;
      buf = buf.subarray(start);
    }
    const whole = buf.length - (buf.length % TS_PACKET_SIZE);
    // Copy the remainder: it is small and must not pin the (large) chunk it came from.
    this.rest = Buffer.from(buf.subarray(whole));
    return whole === 0 ? null : buf.subarray(0, whole);
  }

  /** Forget any partial packet (e.g. when a new ffmpeg starts). */
  reset(): void {
    this.rest = Buffer.alloc(0);
  }
}

/** Offset of the first plausible packet start in `buf`, or -1. */
function findSync(buf: Buffer): number {
  for (let i = 0; i < buf.length; i++) {
    if (buf[i] !== TS_SYNC_BYTE) continue;
    const next = i + TS_PACKET_SIZE;
    if (next >= buf.length || buf[next] === TS_SYNC_BYTE) return i;
  }
  return -1;
}

/** PID of the TS packet at `offset`. */
export function packetPid(buf: Buffer, offset = 0): number {
  return ((buf[offset + 1]! & 0x1f) << 8) | buf[offset + 2]!;
}

/** Whether the packet at `offset` starts a PES packet or a PSI section (payload_unit_start_indicator). */
export function payloadUnitStart(buf: Buffer, offset = 0): boolean {
  return (buf[offset + 1]! & 0x40) !== 0;
}

/** Whether the packet at `offset` has an adaptation field with random_access_indicator set. */
export function randomAccess(buf: Buffer, offset = 0): boolean {
  const afc = (buf[offset + 3]! >> 4) & 0x3;
  if ((afc & 0x2) === 0) return false;
  const afLength = buf[offset + 4]!;
  return afLength > 0 && (buf[offset + 5]! & 0x40) !== 0;
}

/** Offset of the payload within the packet at `offset` (relative to the packet), or -1 if none. */
function payloadStart(buf: Buffer, offset: number): number {
  const afc = (buf[offset + 3]! >> 4) & 0x3;
  if ((afc & 0x1) === 0) return -1;
  const start = afc & 0x2 ? 5 + buf[offset + 4]! : 4;
  return start < TS_PACKET_SIZE ? start : -1;
}

/** The PSI section in the packet at `offset` (after the pointer field), or null. Single-packet sections only. */
function psiSection(buf: Buffer, offset: number): Buffer | null {
  if (!payloadUnitStart(buf, offset)) return null;
  const p = payloadStart(buf, offset);
  if (p < 0) return null;
  const sectionStart = offset + p + 1 + buf[offset + p]!;
  const end = offset + TS_PACKET_SIZE;
  if (sectionStart + 3 > end) return null;
  const sectionLength = ((buf[sectionStart + 1]! & 0x0f) << 8) | buf[sectionStart + 2]!;
  const sectionEnd = sectionStart + 3 + sectionLength;
  return sectionEnd <= end ? buf.subarray(sectionStart, sectionEnd) : null;
}

/** PMT PID of the first program in a PAT section, or null. */
function pmtPidFromPat(section: Buffer): number | null {
  if (section[0] !== 0x00) return null;
  // 8 header bytes, then 4-byte entries, then a 4-byte CRC.
  for (let i = 8; i + 4 <= section.length - 4; i += 4) {
    const program = (section[i]! << 8) | section[i + 1]!;
    if (program !== 0) return ((section[i + 2]! & 0x1f) << 8) | section[i + 3]!;
  }
  return null;
}

/** PID and stream_type of the first video stream in a PMT section, or null. */
function videoFromPmt(section: Buffer): { pid: number; streamType: number } | null {
  if (section[0] !== 0x02) return null;
  const programInfoLength = ((section[10]! & 0x0f) << 8) | section[11]!;
  for (let i = 12 + programInfoLength; i + 5 <= section.length - 4;) {
    const streamType = section[i]!;
    const pid = ((section[i + 1]! & 0x1f) << 8) | section[i + 2]!;
    const esInfoLength = ((section[i + 3]! & 0x0f) << 8) | section[i + 4]!;
    if (VIDEO_STREAM_TYPES.has(streamType)) return { pid, streamType };
    i += 5 + esInfoLength;
  }
  return null;
}

/** Where things start in a chunk, byte offsets; -1 for none. See {@link TsStreamInspector.inspect}. */
export interface TsChunkMarks {
  /** The last packet that starts a key frame (random-access point). */
  rap: number;
  /** The first packet that starts a video frame (key or not). */
  frameStart: number;
}

/** ffprobe's codec name of a PMT video stream_type (ISO/IEC 13818-1 table 2-34), or null. */
export function codecOfStreamType(streamType: number | null): string | null {
  if (streamType === null) return null;
  switch (streamType) {
    case 0x01:
    case 0x02:
      return 'mpeg2video';
    case 0x10:
      return 'mpeg4';
    case 0x1b:
      return 'h264';
    case 0x24:
      return 'hevc';
    case 0x33:
      return 'vvc';
    default:
      return null;
  }
}

/**
 * Follows one transport stream (one program; single-packet PAT and PMT sections, which is what
 * ffmpeg writes): remembers the latest PAT and PMT packets and reports where key frames start.
 * A random-access point is a packet on the video PID with payload_unit_start and the
 * adaptation field's random_access_indicator set — ffmpeg's muxer sets it on every key frame.
 */
export class TsStreamInspector {
  private pat: Buffer | null = null;
  private pmt: Buffer | null = null;
  private pmtPid: number | null = null;
  /** PID of the video elementary stream once the PMT has been seen. */
  videoPid: number | null = null;
  /** stream_type of that video stream (0x1b H.264, 0x24 HEVC), once known. */
  videoStreamType: number | null = null;
  /** Packets seen without a sync byte (a sign of a broken stream). */
  badPackets = 0;

  /**
   * Look at a run of whole packets (from {@link TsPacketAligner}).
   * @returns byte offsets in `chunk`: `rap`, the last random-access packet, and `frameStart`,
   *   the first packet that starts a video PES (a new frame); -1 where there is none
   */
  inspect(chunk: Buffer): TsChunkMarks {
    const marks = { rap: -1, frameStart: -1 };
    for (let off = 0; off + TS_PACKET_SIZE <= chunk.length; off += TS_PACKET_SIZE) {
      if (chunk[off] !== TS_SYNC_BYTE) {
        this.badPackets++;
        continue;
      }
      const pid = packetPid(chunk, off);
      if (pid === PAT_PID) {
        const section = psiSection(chunk, off);
        const pmtPid = section ? pmtPidFromPat(section) : null;
        if (pmtPid !== null) {
          this.pat = Buffer.from(chunk.subarray(off, off + TS_PACKET_SIZE));
          this.pmtPid = pmtPid;
        }
      } else if (pid === this.pmtPid) {
        const section = psiSection(chunk, off);
        const video = section ? videoFromPmt(section) : null;
        if (video) {
          this.pmt = Buffer.from(chunk.subarray(off, off + TS_PACKET_SIZE));
          this.videoPid = video.pid;
          this.videoStreamType = video.streamType;
        }
      } else if (pid === this.videoPid && payloadUnitStart(chunk, off)) {
        if (marks.frameStart < 0) marks.frameStart = off;
        if (randomAccess(chunk, off)) marks.rap = off;
      }
    }
    return marks;
  }

  /** The latest PAT and PMT packets, concatenated (376 bytes), or null until both were seen. */
  psi(): Buffer | null {
    return this.pat && this.pmt ? Buffer.concat([this.pat, this.pmt]) : null;
  }

  /** Forget everything (a new ffmpeg may number things differently). */
  reset(): void {
    this.pat = null;
    this.pmt = null;
    this.pmtPid = null;
    this.videoPid = null;
    this.videoStreamType = null;
  }
}
