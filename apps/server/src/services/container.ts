/**
 * The server's object graph: one database, its repositories and services, the queue, the
 * worker, the real-time hub. Built once by `createServices`, shared by routes, the CLI and
 * tests.
 */
import type { Logger } from 'pino';
import type { ServerConfig } from '../config.js';
import { migrate, openDatabase, type Db } from '../db/database.js';
import { SyncExecutor } from '../db/sync-executor.js';
import { JobQueue } from '../queue/job-queue.js';
import { Worker } from '../queue/worker.js';
import { JOB_SPECS, JOB_TYPES } from '../queue/job-specs.js';
import { Outbox } from '../realtime/outbox.js';
import { RealtimeHub, type SocketUser } from '../realtime/hub.js';
import { AuditRepository } from '../repositories/audit-repository.js';
import { DetectionRepository, type DetectionJobPayload } from '../repositories/detection-repository.js';
import { OrganisationRepository } from '../repositories/organisation-repository.js';
import { ReadRepository } from '../repositories/read-repository.js';
import { UserRepository } from '../repositories/user-repository.js';
import { LayoutRepository } from '../repositories/layout-repository.js';
import { AlarmRepository } from '../repositories/alarm-repository.js';
import { loadKeys, type ServerKeys } from '../security/keys.js';
import { AuthService, type AuthUser } from './auth-service.js';
import { CredentialService } from './credential-service.js';
import { DetectionService } from './detection-service.js';
import { LayoutService } from './layout-service.js';
import { AlarmService } from './alarm-service.js';
import { OrganisationService } from './organisation-service.js';
import { UserService } from './user-service.js';
import { DeviceStatusService } from './device-status-service.js';
import { UsageAggregation } from './usage-aggregation.js';
import { StreamHealthService } from './stream-health-service.js';
import { QueueMonitor } from './queue-monitor.js';
import { DailyJsonLog } from '../repositories/request-log.js';
import { StorageRepository } from '../repositories/storage-repository.js';
import { StorageDisk } from '../repositories/storage-disk.js';
import { SnapshotPipeline } from './snapshot-pipeline.js';
import { SnapshotIntake } from './snapshot-intake.js';
import { SnapshotAccess, fileUrlKey } from './snapshot-access.js';
import { StorageRetention, snapshotSettingsFromEnv } from './storage-retention.js';
import { createNotifications, type Notifications } from './notifications/index.js';
import path from 'node:path';

export interface Services {
  config: ServerConfig;
  logger: Logger;
  db: Db;
  keys: ServerKeys;
  exec: SyncExecutor;
  queue: JobQueue;
  worker: Worker;
  outbox: Outbox;
  hub: RealtimeHub;
  auth: AuthService;
  users: UserService;
  auditLog: AuditRepository;
  credentials: CredentialService;
  organisation: OrganisationService;
  detections: DetectionService;
  layouts: LayoutService;
  /** The alarm workflow and its escalation (issue 5). */
  alarms: AlarmService;
  reads: ReadRepository;
  deviceStatus: DeviceStatusService;
  /** `<dataDir>/logs/api_requests/YYYY-MM-DD.log`. */
  requestLog: DailyJsonLog;
  usage: UsageAggregation;
  streamHealth: StreamHealthService;
  queueMonitor: QueueMonitor;
  /** Snapshots (S5): bookkeeping, the image job, and each event's files (`filesOf`, `imagePathOf`). */
  snapshots: SnapshotPipeline;
  /** Stores a posted image's original and accepts its detection. */
  snapshotIntake: SnapshotIntake;
  /** Signed file links and serving; `<dataDir>/logs/file_access/YYYY-MM-DD.log`. */
  snapshotAccess: SnapshotAccess;
  /** Retention cleanup of stored files (`PANTAU_RETENTION_DAYS`, default 90). */
  retention: StorageRetention;
  /** WhatsApp alerts (S4): settings, deliveries, the sender job, the webhook, the daily summary. */
  notifications: Notifications;
  /** Stop the worker, close sockets and the database. */
  close(): Promise<void>;
}

const toSocketUser = (u: AuthUser): SocketUser => ({ id: u.id, role: u.role, branchScope: u.branchScope, groupScope: u.groupScope, sessionId: u.sessionId, expiresAt: u.expiresAt });

/**
 * Open the database, run migrations and wire every service. The worker is created but
 * started by the caller (`services.worker.start()`), after the HTTP server listens.
 */
export async function createServices(config: ServerConfig, logger: Logger): Promise<Services> {
  const db = openDatabase(config.dataDir);
  await migrate(db);
  const keys = loadKeys(config.dataDir);
  const exec = new SyncExecutor(db.sqlite);
  const queueConfig = config.queues;
  const queue = new JobQueue(db.sqlite, JOB_SPECS, Date.now, Object.fromEntries(Object.entries(queueConfig).map(([name, q]) => [name, q.priority])));
  const outbox = new Outbox(db.sqlite);
  const userRepo = new UserRepository(db.kysely, exec);
  const auditLog = new AuditRepository(db.kysely, exec);
  const auth = new AuthService(userRepo, exec, auditLog, config.sessionTtlMs);
  const hub = new RealtimeHub({
    outbox,
    logger,
    authenticate: async (token) => {
      const u = await auth.authenticate(token);
      return u ? toSocketUser(u) : null;
    },
    reload: (userId, sessionId) => {
      const r = userRepo.findById(userId);
      if (!r || r.status !== 'active') return null;
      const u = auth.resolve(r, sessionId, '');
      return { id: u.id, role: u.role, branchScope: u.branchScope, groupScope: u.groupScope, sessionId };
    },
  });
  const pump = () => hub.pump();
  const detections = new DetectionService(new DetectionRepository(db.sqlite), exec, queue, outbox);
  const worker = new Worker({
    db: db.sqlite,
    queue,
    logger,
    afterBatch: pump,
    queues: queueConfig,
    handlers: { [JOB_TYPES.detection]: (payload) => detections.process(payload as DetectionJobPayload) },
  });
  // snapshots (S5): the detection job links the original and enqueues the image job
  const snapshotSettings = snapshotSettingsFromEnv();
  const storage = new StorageRepository(db.sqlite);
  const disk = new StorageDisk(config.dataDir);
  const snapshots = new SnapshotPipeline(storage, disk, queue, outbox, logger);
  detections.useSnapshots(snapshots);
  worker.register(JOB_TYPES.image, snapshots.imageJob);
  const retention = new StorageRetention(storage, disk, exec, queue, logger, snapshotSettings.retentionDays);
  worker.register(JOB_TYPES.cleanup, retention.cleanupJob);
  const fileAccessLog = new DailyJsonLog(path.join(config.dataDir, 'logs', 'file_access'), config.timezone);
  // WhatsApp alerts (S4): deliveries and their jobs are queued in the detection job's transaction
  const notifications = createNotifications({ db: db.kysely, exec, queue, outbox, audit: auditLog, logger, dataDir: config.dataDir, timezone: config.timezone, secretsKey: keys.streamSecrets, onEvents: pump, imageOf: (id) => snapshots.imagePathOf(id) });
  detections.useAlerts(notifications.dispatcher);
  worker.register(JOB_TYPES.whatsapp, notifications.sender.handler);
  const credentials = new CredentialService(db.kysely, exec, auditLog);
  // a camera moved to another branch loses its alert overrides there (notifications.settings)
  const organisation = new OrganisationService(new OrganisationRepository(db.kysely, exec), exec, outbox, auditLog, keys.streamSecrets, pump, notifications.settings);
  const requestLog = new DailyJsonLog(path.join(config.dataDir, 'logs', 'api_requests'), config.timezone);
  return {
    config,
    logger,
    db,
    keys,
    exec,
    queue,
    worker,
    outbox,
    hub,
    auth,
    users: new UserService(userRepo, auth, exec, auditLog, outbox, hub, pump),
    auditLog,
    credentials,
    organisation,
    detections,
    layouts: new LayoutService(new LayoutRepository(db.kysely, exec), exec, outbox, auditLog, pump),
    // escalation messages go out through the WhatsApp alerts (notifications.dispatcher.enqueueEscalation)
    alarms: new AlarmService(new AlarmRepository(db.kysely, exec), exec, outbox, auditLog, notifications.dispatcher, pump),
    reads: new ReadRepository(db.kysely, exec),
    deviceStatus: new DeviceStatusService(db.kysely, exec, outbox, config.heartbeatTimeoutMs, pump),
    requestLog,
    usage: new UsageAggregation(db.kysely, exec, requestLog),
    queueMonitor: new QueueMonitor(queue, exec, outbox, auditLog, logger, config.queueAlertThreshold, pump, queueConfig),
    notifications,
    snapshots,
    snapshotIntake: new SnapshotIntake(disk, detections, config.timezone),
    snapshotAccess: new SnapshotAccess(storage, disk, fileUrlKey(keys.liveTicket), fileAccessLog, snapshotSettings.fileUrlTtlMs),
    retention,
    streamHealth: new StreamHealthService(db.kysely, exec, outbox, (row) => organisation.sourceUrl(row.id, 'main', null)?.url ?? row.main_url, pump),
    async close() {
      await worker.stop();
      hub.close();
      credentials.close();
      requestLog.close();
      notifications.close();
      fileAccessLog.close();
      await db.close();
    },
  };
}
