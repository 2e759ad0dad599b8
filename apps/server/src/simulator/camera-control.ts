/**
 * Control of the simulated cameras from a text stream (stdin of `pantau simulate
 * --stdin-control`): one command per line, so a person at a terminal or a test driving the
 * process can cut a camera's network and restore it.
 *
 *   off N | offline N   camera N stops answering (viewers dropped, new ones refused)
 *   on N  | online N    camera N answers again
 *   reboot N            camera N reboots: viewers dropped, refused a moment, then new pipelines
 *                       (new SSRC, new SPS), as after a power cycle
 *
 * Each command is answered with one line on `out`: `camera N offline` / `camera N online` /
 * `camera N rebooting`, or `error: …` for a line that is not a command or a camera that does not
 * exist.
 */
import readline from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { CameraServer } from './camera-server.js';

/** A parsed command line. */
export interface CameraCommand {
  camera: number;
  action: 'online' | 'offline' | 'reboot';
}

/**
 * Parses one line. @returns the command, or null when the line is not one (blank lines too)
 */
export function parseCameraCommand(line: string): CameraCommand | null {
  const m = /^\s*(on|online|off|offline|reboot)\s+(\d{1,3})\s*$/i.exec(line);
  if (!m) return null;
  const verb = m[1]!.toLowerCase();
  const action = verb === 'reboot' ? 'reboot' : verb === 'on' || verb === 'online' ? 'online' : 'offline';
  return { camera: Number(m[2]), action };
}

/**
 * Reads commands from `input` until it ends and applies them to `cameras`, one at a time, in
 * order. @returns a function that stops reading (the input is left open)
 */
export function attachCameraControl(
  input: Readable,
  out: Writable,
  cameras: Pick<CameraServer, 'setOnline' | 'reboot'>,
): () => void {
  const lines = readline.createInterface({ input, crlfDelay: Infinity, terminal: false });
  let queue = Promise.resolve();
  lines.on('line', (line) => {
    if (line.trim() === '') return;
    const command = parseCameraCommand(line);
    queue = queue.then(async () => {
      if (!command) {
        out.write(`error: expected "off N", "on N" or "reboot N", got "${line.trim()}"\n`);
        return;
      }
      try {
        if (command.action === 'reboot') await cameras.reboot(command.camera);
        else await cameras.setOnline(command.camera, command.action === 'online');
        out.write(`camera ${command.camera} ${command.action === 'reboot' ? 'rebooting' : command.action}\n`);
      } catch (err) {
        out.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
      }
    });
  });
  return () => lines.close();
}
