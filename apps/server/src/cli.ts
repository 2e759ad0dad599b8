/**
 * The `pantau` command: serve, migrate, users, credentials, simulate.
 * Every subcommand takes `--data-dir` (default `PANTAU_DATA_DIR` or `./data`).
 */
import path from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import pino from 'pino';
import { PantauError, Role } from '@pantau/shared';
import { SERVER_ROLES, addressList, resolveDataDir, type ServerConfig } from './config.js';
import { migrate, openDatabase } from './db/database.js';
import { countingZone, previousSiteDay } from './services/site-time.js';
import { progressBar } from './cli-progress.js';
import { startServer } from './server.js';
import { runSimulate } from './simulator/simulate.js';
import { attachCameraControl } from './simulator/camera-control.js';
import { SYSTEM } from './services/auth-service.js';
import { addScaleCommands } from './cli-scale.js';
import { dataDirOption, databaseOption, onShutdownSignal, port, withServices } from './cli-support.js';

const positive = (v: string) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('a positive number');
  return n;
};
const nonNegative = (v: string) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('a number ≥ 0');
  return n;
};
const frameRate = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 60) throw new InvalidArgumentError('whole frames per second, 1–60');
  return n;
};
const size = (v: string) => {
  const m = /^(\d{2,4})x(\d{2,4})$/.exec(v);
  if (!m || Number(m[1]) < 16 || Number(m[2]) < 16) throw new InvalidArgumentError('WIDTHxHEIGHT in px, e.g. 320x180');
  return { width: Number(m[1]), height: Number(m[2]) };
};
/** Build the CLI program (exported for tests). */
export function buildCli(): Command {
  const program = new Command('pantau').description('Pantau CCTV control-room server').showHelpAfterError();

  program
    .command('serve')
    .description('run the server (HTTP API, WebSocket, worker, stream gateway, console)')
    .option('--port <port>', 'TCP port', port, 8080)
    .option('--host <host>', 'listen address', '127.0.0.1')
    .addOption(
      new Option(
        '--trust-proxy <addresses>',
        'reverse proxies (addresses or CIDR ranges, comma-separated) whose X-Forwarded-* headers are believed',
      ).env('PANTAU_TRUSTED_PROXIES'),
    )
    .addOption(
      new Option('--tls-cert <file>', 'TLS certificate (PEM; with --tls-key): HTTPS and WSS on the port').env(
        'PANTAU_TLS_CERT',
      ),
    )
    .addOption(new Option('--tls-key <file>', 'private key of --tls-cert (PEM)').env('PANTAU_TLS_KEY'))
    .option(
      '--tls-self-signed',
      'make (once) and keep a self-signed certificate in <data dir>/tls and serve HTTPS with it',
    )
    .addOption(dataDirOption())
    .addOption(databaseOption())
    .addOption(
      new Option('--role <role>', 'what this process does (scale mode)')
        .choices(SERVER_ROLES)
        .default('all')
        .env('PANTAU_ROLE'),
    )
    .action(
      async (o: {
        port: number;
        host: string;
        trustProxy?: string;
        tlsCert?: string;
        tlsKey?: string;
        tlsSelfSigned?: boolean;
        dataDir?: string;
        database?: string;
        role: ServerConfig['role'];
      }) => {
        if ((o.tlsCert === undefined) !== (o.tlsKey === undefined))
          throw new InvalidArgumentError('--tls-cert and --tls-key go together');
        const server = await startServer({
          port: o.port,
          host: o.host,
          dataDir: resolveDataDir(o.dataDir),
          databaseUrl: o.database ?? null,
          role: o.role,
          ...(o.trustProxy !== undefined && { trustedProxies: addressList(o.trustProxy) }),
          ...(o.tlsCert !== undefined && o.tlsKey !== undefined
            ? { tls: { mode: 'files' as const, certFile: path.resolve(o.tlsCert), keyFile: path.resolve(o.tlsKey) } }
            : o.tlsSelfSigned
              ? { tls: { mode: 'self-signed' as const } }
              : {}),
        });
        server.services.logger.info(
          { url: server.url, console: `${server.url}/console/`, docs: `${server.url}/api/docs` },
          'Pantau server listening',
        );
        if (server.tls) {
          // what an operator compares on a console or device that has no CA to ask
          server.services.logger.info(
            {
              certificate: server.tls.certFile,
              sha256_fingerprint: server.tls.fingerprint256,
              valid_to: server.tls.validTo,
              names: server.tls.subjectAltNames,
              made_now: server.tls.created,
            },
            'TLS certificate',
          );
          console.log(`TLS certificate SHA-256 fingerprint: ${server.tls.fingerprint256}`);
        }
        onShutdownSignal(async (signal) => {
          server.services.logger.info({ signal }, 'stopping the server');
          await server.close();
        });
      },
    );

  program
    .command('migrate')
    .description('apply pending database migrations (or revert the last with --down)')
    .option('--down', 'revert the last migration')
    .addOption(dataDirOption())
    .addOption(databaseOption())
    .action(async (o: { down?: boolean; dataDir?: string; database?: string }) => {
      const db = openDatabase(resolveDataDir(o.dataDir), o.database ?? null);
      const r = await migrate(db, o.down ? 'down' : 'up');
      for (const m of r.results ?? []) console.log(`${m.direction} ${m.migrationName}: ${m.status}`);
      if ((r.results ?? []).length === 0) console.log('nothing to migrate');
      await db.close();
    });

  const users = program.command('users').description('manage users');
  users
    .command('create')
    .description('create a user')
    .requiredOption('--email <email>')
    .requiredOption('--password <password>')
    .addOption(new Option('--role <role>').choices(Role.options).default('operator'))
    .option('--name <name>')
    .addOption(dataDirOption())
    .addOption(databaseOption())
    .action(
      async (o: {
        email: string;
        password: string;
        role: Role;
        name?: string;
        dataDir?: string;
        database?: string;
      }) => {
        await withServices(o, async (s) => {
          const u = await s.auth.createUser({
            email: o.email,
            password: o.password,
            role: o.role,
            ...(o.name ? { name: o.name } : {}),
          });
          console.log(JSON.stringify({ id: u.id, email: u.email, role: u.role }));
        });
      },
    );

  const creds = program.command('credentials').description('manage device API credentials');
  creds
    .command('create')
    .description('create an API credential; prints { id, api_key, api_secret } (the secret is shown only now)')
    .requiredOption('--name <name>')
    .option('--expires-at <iso>', 'ISO-8601 expiry')
    .addOption(dataDirOption())
    .addOption(databaseOption())
    .action(async (o: { name: string; expiresAt?: string; dataDir?: string; database?: string }) => {
      if (o.expiresAt !== undefined && Number.isNaN(Date.parse(o.expiresAt)))
        throw new PantauError('VALIDATION_ERROR', '--expires-at must be ISO-8601', { field: 'expires_at' });
      await withServices(o, async (s) => {
        const c = s.credentials.create({ credential_name: o.name, expires_at: o.expiresAt }, SYSTEM);
        console.log(JSON.stringify({ id: c.id, api_key: c.api_key, api_secret: c.api_secret }));
      });
    });

  program
    .command('aggregate')
    .description('fold one day of the API request log into api_usage_summary (default: yesterday, site time)')
    .option('--date <YYYY-MM-DD>', 'the site-local day')
    .addOption(dataDirOption())
    .addOption(databaseOption())
    .action(async (o: { date?: string; dataDir?: string; database?: string }) => {
      if (o.date !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(o.date))
        throw new PantauError('VALIDATION_ERROR', '--date must be YYYY-MM-DD', { field: 'date' });
      await withServices(o, async (s) => {
        const date = o.date ?? previousSiteDay(s.config.timezone);
        const r = await s.usage.aggregate(date);
        console.log(JSON.stringify({ date, ...r }));
      });
    });

  const rollups = program.command('rollups').description('the dashboard and report rollups');
  rollups
    .command('rebuild')
    .description(
      'recompute the rollups from the stored detections, one site-local day per transaction, then the weeks and months those days touch, one each (default: every day with detections)',
    )
    .option('--from <YYYY-MM-DD>', 'first site-local day')
    .option('--to <YYYY-MM-DD>', 'last site-local day')
    .addOption(dataDirOption())
    .addOption(databaseOption())
    .action(async (o: { from?: string; to?: string; dataDir?: string; database?: string }) => {
      for (const [field, v] of [
        ['from', o.from],
        ['to', o.to],
      ] as const)
        if (v !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(v))
          throw new PantauError('VALIDATION_ERROR', `--${field} must be YYYY-MM-DD`, { field });
      await withServices(o, async (s) => {
        const span = s.rollups.detectionDays();
        const from = o.from ?? span?.from;
        const to = o.to ?? span?.to;
        if (from === undefined || to === undefined) {
          console.log(JSON.stringify({ from: null, to: null, detections: 0 }));
          return;
        }
        if (to < from) throw new PantauError('VALIDATION_ERROR', '--to is before --from', { field: 'to' });
        const zones = new Map(s.branchZones.branchZones().map((b) => [b.id, countingZone(b.timezone)]));
        const bar = progressBar(`rollups ${from} … ${to}`, 'periods (the days, then their weeks and months)', {
          detections: 'count',
        });
        const r = s.rollups.rebuild(
          from,
          to,
          (id) => zones.get(id) ?? countingZone(s.config.timezone),
          (done, days, detections) => bar.update(done, days, { detections }),
        );
        bar.stop();
        console.log(JSON.stringify({ from, to, ...r }));
      });
    });

  addScaleCommands(program);

  program
    .command('simulate')
    .description('simulated RTSP cameras that register a demo organisation and post detections')
    .option('--cameras <n>', 'number of cameras', positive, 4)
    .option('--rate <n>', 'detections per second (0 = video only)', nonNegative, 5)
    .option('--server <url>', 'Pantau server', 'http://127.0.0.1:8080')
    .option('--email <email>', 'admin to register the demo organisation with', 'admin@pantau.local')
    .option('--password <password>', "that admin's password", 'pantau-admin')
    .option('--rtsp-port <port>', 'RTSP port of the simulated cameras', port, 8554)
    .option('--resolution <WxH>', 'main-stream picture size (played when a tile is maximised)', size, {
      width: 640,
      height: 360,
    })
    .option('--sub-resolution <WxH>', "substream picture size (played by the wall's tiles)", size, {
      width: 320,
      height: 180,
    })
    .option(
      '--fps <n>',
      'frames per second of every camera stream (NVR substreams commonly run at 10–15)',
      frameRate,
      25,
    )
    .addOption(
      new Option('--codec <codec>', 'main-stream codec (most cameras sold today send H.265)')
        .choices(['h264', 'h265'])
        .default('h264'),
    )
    .addOption(new Option('--sub-codec <codec>', 'substream codec').choices(['h264', 'h265']).default('h264'))
    .addOption(
      new Option('--audio <codec>', 'audio on the main stream: AAC or G.711 A-law / mu-law')
        .choices(['none', 'aac', 'pcma', 'pcmu'])
        .default('none'),
    )
    .addOption(
      new Option('--auth <method>', 'RTSP authentication of the cameras')
        .choices(['none', 'basic', 'digest'])
        .default('none'),
    )
    .option('--camera-user <name>', 'RTSP user of the cameras (with --auth)', 'admin')
    .addOption(
      new Option('--camera-password <password>', 'RTSP password of the cameras (with --auth)')
        .env('PANTAU_SIM_CAMERA_PASSWORD')
        .default('pantau-cam'),
    )
    .option(
      '--stdin-control',
      'read "off N" / "on N" / "reboot N" lines on stdin to take camera N offline, back, or reboot it',
    )
    .addOption(dataDirOption())
    .action(
      async (o: {
        cameras: number;
        rate: number;
        server: string;
        email: string;
        password: string;
        rtspPort: number;
        resolution: { width: number; height: number };
        subResolution: { width: number; height: number };
        fps: number;
        codec: 'h264' | 'h265';
        subCodec: 'h264' | 'h265';
        audio: 'none' | 'aac' | 'pcma' | 'pcmu';
        auth: 'none' | 'basic' | 'digest';
        cameraUser: string;
        cameraPassword: string;
        stdinControl?: boolean;
      }) => {
        const logger = pino({ level: 'info' });
        const sim = await runSimulate({
          serverUrl: o.server,
          email: o.email,
          password: o.password,
          cameras: Math.round(o.cameras),
          rate: o.rate,
          rtspPort: o.rtspPort,
          logger,
          width: o.resolution.width,
          height: o.resolution.height,
          subWidth: o.subResolution.width,
          subHeight: o.subResolution.height,
          fps: o.fps,
          codec: o.codec,
          subCodec: o.subCodec,
          audio: o.audio,
          auth: o.auth === 'none' ? undefined : { method: o.auth, user: o.cameraUser, password: o.cameraPassword },
        });
        if (o.stdinControl) attachCameraControl(process.stdin, process.stdout, sim.cameraServer);
        onShutdownSignal(async (signal) => {
          logger.info({ signal }, 'stopping the simulator');
          await sim.stop();
        });
      },
    );

  return program;
}

/** Run the CLI with `argv`; prints errors as `error: <code>: <message>` and exits 1. */
export async function main(argv: string[] = process.argv): Promise<void> {
  try {
    await buildCli().parseAsync(argv);
  } catch (err) {
    if (err instanceof PantauError) console.error(`error: ${err.code}: ${err.message}`);
    else console.error(`error: ${(err as Error).message}`);
    process.exitCode = 1;
  }
}
