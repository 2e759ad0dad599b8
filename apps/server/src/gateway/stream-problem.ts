/**
 * What an ffmpeg or ffprobe error line means for an operator: wrong credentials, a camera that
 * does not answer, a wrong path, a busy camera, or no video. The tile, the camera tree and the
 * fleet board say these in different words (issue 15: never "offline" for a camera that answers).
 *
 * The patterns are ffmpeg's own messages (libavformat/rtsp.c, http.c, network errors from
 * strerror): "method DESCRIBE failed: 401 Unauthorized", "Server returned 401 Unauthorized
 * (authorization failed)", "Connection refused", "Connection timed out", …
 */
import type { StreamProblem } from '@pantau/shared';

const RULES: ReadonlyArray<[RegExp, StreamProblem]> = [
  [/\b40[13]\b|unauthori[sz]ed|authori[sz]ation failed|forbidden/i, 'unauthorized'],
  [/\b404\b|not found(?! *\()/i, 'not_found'],
  [
    /connection refused|timed out|no route to host|network is unreachable|host is unreachable|name or service not known|temporary failure in name resolution|no answer within|cannot assign requested address|end of file|connection reset/i,
    'unreachable',
  ],
  [/\b5\d\d\b|service unavailable|method \w+ failed/i, 'unavailable'],
  [/matches no streams|does not contain any stream|no video|no data within/i, 'no_video'],
];

/**
 * @param text one error line (credentials already removed or not: only words are matched)
 * @returns the problem it names, or null when it names none of them
 */
export function streamProblemOf(text: string | null | undefined): StreamProblem | null {
  if (!text) return null;
  for (const [pattern, problem] of RULES) if (pattern.test(text)) return problem;
  return null;
}
