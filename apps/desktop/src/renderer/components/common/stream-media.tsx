/**
 * What a stream really sends and what is wrong with it (issue 15), as the streams screen, the
 * fleet board and the camera tree show it: `H.265 Main · 1280×720 · 25 fps · 1.5 Mbit/s ·
 * G.711 A-law` per quality, from the probe (StreamMedia), and the problem in the tile's own words
 * (wrong credentials, unreachable, …), so the three places and the tile agree.
 *
 * Test hooks: `stream-media` (`data-quality`, `data-codec`, `data-audio`), `stream-problem`
 * (`data-problem`).
 */
import { Badge, Group, Text, Tooltip } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Stream, StreamMedia, StreamProblem } from '@pantau/shared';
import { codecLabel } from '../../video/codec-support.js';

/** Audio codecs as the field names them (ffprobe's names in). */
export function audioLabel(codec: string | null): string | null {
  switch (codec) {
    case null:
      return null;
    case 'pcm_alaw':
      return 'G.711 A-law';
    case 'pcm_mulaw':
      return 'G.711 µ-law';
    case 'aac':
      return 'AAC';
    case 'adpcm_g726':
    case 'g726':
      return 'G.726';
    default:
      return codec.toUpperCase();
  }
}

/** `1.5 Mbit/s`, `400 kbit/s`. */
export function bitrateLabel(bps: number | null): string | null {
  if (bps === null) return null;
  return bps >= 1_000_000 ? `${(bps / 1_000_000).toFixed(1)} Mbit/s` : `${Math.round(bps / 1000)} kbit/s`;
}

/** The facts of one quality, joined with middots. */
export function mediaFacts(m: StreamMedia): string {
  return [
    [codecLabel(m.video_codec), m.profile].filter(Boolean).join(' '),
    `${m.width}×${m.height}`,
    m.fps !== null ? `${m.fps} fps` : null,
    bitrateLabel(m.bitrate_bps),
    audioLabel(m.audio_codec),
  ]
    .filter(Boolean)
    .join(' · ');
}

/** One line per probed quality (main, then sub); nothing before the first probe. */
export function StreamMediaLines({ stream }: { stream: Pick<Stream, 'media'> }) {
  const { t } = useTranslation();
  const lines = (['main', 'sub'] as const).flatMap((q) => {
    const m = stream.media[q];
    return m ? [{ q, m }] : [];
  });
  if (lines.length === 0) return null;
  return (
    <div>
      {lines.map(({ q, m }) => (
        <Text
          key={q}
          size="xs"
          c="dimmed"
          data-testid="stream-media"
          data-quality={q}
          data-codec={m.video_codec}
          data-audio={m.audio_codec ?? undefined}
        >
          {t(`streams.quality.${q}`)}: {mediaFacts(m)}
        </Text>
      ))}
    </div>
  );
}

/** The stream's problem as a red badge with its explanation on hover; nothing when none. */
export function StreamProblemBadge({ problem }: { problem: StreamProblem | null }) {
  const { t } = useTranslation();
  if (!problem) return null;
  return (
    <Tooltip label={t(`tile.problem.${problem}.detail`)} openDelay={300}>
      <Badge variant="light" color="red" size="sm" data-testid="stream-problem" data-problem={problem}>
        {t(`tile.problem.${problem}.title`)}
      </Badge>
    </Tooltip>
  );
}

/** Status badge and problem side by side (the streams screen's and the board's status cell). */
export function StreamStatusCell({ stream, badge }: { stream: Pick<Stream, 'problem'>; badge: React.ReactNode }) {
  return (
    <Group gap={4} wrap="nowrap">
      {badge}
      <StreamProblemBadge problem={stream.problem} />
    </Group>
  );
}
