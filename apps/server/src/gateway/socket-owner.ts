/**
 * Which process holds the other end of a loopback TCP connection (Linux): the relays
 * (rtsp-auth-relay.ts, http-auth-relay.ts) let only the ffmpeg they were opened for use the
 * camera's credentials, so that their port is no back door for other local users.
 *
 * How: /proc/net/tcp (and tcp6) lists every socket of the network namespace with its local and
 * remote address and its inode (proc(5)); the socket whose local port is the connection's remote
 * port and whose remote port is ours belongs to the peer. A process holds it when one of
 * /proc/<pid>/fd/* links to `socket:[<inode>]`. Reading another user's /proc/<pid>/fd needs the
 * same user (or root): the gateway's own children qualify.
 */
import { readFile, readdir, readlink } from 'node:fs/promises';
import type { Socket } from 'node:net';

/** Whether the peer checks can run here (Linux /proc). Elsewhere the relays accept one connection unchecked. */
export const CAN_CHECK_SOCKET_OWNER = process.platform === 'linux';

/**
 * Inode of the socket at `localPort` connected to `remotePort`, from /proc/net/tcp lines
 * (`sl local_address rem_address st … uid timeout inode`, ports in hex), or null.
 */
export function socketInodeOf(procNetTcp: string, localPort: number, remotePort: number): string | null {
  for (const line of procNetTcp.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10 || !f[1]?.includes(':')) continue;
    const port = (addr: string) => parseInt(addr.slice(addr.lastIndexOf(':') + 1), 16);
    if (port(f[1]) === localPort && port(f[2]!) === remotePort && f[9] !== '0') return f[9]!;
  }
  return null;
}

/**
 * True when process `pid` holds the far end of `socket` (a connection accepted on loopback).
 * Tries a few times over ~100 ms: a just-accepted connection is listed at once, but a process
 * that is still starting may not be readable yet.
 * @returns false when the far end belongs to another process, or cannot be found
 */
export async function peerIsProcess(socket: Socket, pid: number): Promise<boolean> {
  const { remotePort, localPort } = socket;
  if (remotePort === undefined || localPort === undefined) return false;
  for (let attempt = 0; attempt < 4; attempt++) {
    if (attempt > 0) await new Promise((r) => setTimeout(r, 25 * attempt));
    let inode: string | null = null;
    for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
      try {
        inode = socketInodeOf(await readFile(table, 'utf8'), remotePort, localPort);
      } catch {
        // no IPv6 table on this host
      }
      if (inode) break;
    }
    if (!inode) continue;
    const wanted = `socket:[${inode}]`;
    let fds: string[];
    try {
      fds = await readdir(`/proc/${pid}/fd`);
    } catch {
      return false; // the process is gone (or not ours)
    }
    for (const fd of fds) {
      try {
        if ((await readlink(`/proc/${pid}/fd/${fd}`)) === wanted) return true;
      } catch {
        // closed while we looked
      }
    }
    // listed but held by another process: no retry changes that
    return false;
  }
  return false;
}
