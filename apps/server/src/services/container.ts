/**
 * The server's object graph: one database, its repositories and services, the queue, the
 * worker, the real-time hub. Built once by `createServices`, shared by routes, the CLI and
 * tests.
 */
import type { Logger } from 'pino';
import type { ServerConfig } from '../config.js';
import { migrate, openDatabase, type Db } from '../db/database.js';
import { SyncExecutor } from '../db/sync-executor.js';
import { JobQueue } from '../repositories/job-queue.js';
import { Worker } from '../queue/worker.js';
import { JOB_PAYLOADS } from '../queue/job-payloads.js';
import { Outbox } from '../repositories/outbox-repository.js';
import { RealtimeHub } from '../realtime/hub.js';
import type { AuthUser, SocketUser } from '../domain/caller.js';
import { AuditRepository } from '../repositories/audit-repository.js';
import { DetectionRepository } from '../repositories/detection-repository.js';
import { AlarmMatchRepository } from '../repositories/alarm-match-repository.js';
import { AlarmRuleRepository } from '../repositories/alarm-rule-repository.js';
import { WatchlistRepository } from '../repositories/watchlist-repository.js';
import { EventRowRepository } from '../repositories/event-rows.js';
import { DomainEvents } from '../domain/domain-events.js';
import { RealtimePublisher } from '../realtime/realtime-publisher.js';
import { OrganisationRepository } from '../repositories/organisation-repository.js';
import { ReadRepository } from '../repositories/read-repository.js';
import { ReadService } from './read-service.js';
import { UserRepository } from '../repositories/user-repository.js';
import { LayoutRepository } from '../repositories/layout-repository.js';
import { AlarmRepository } from '../repositories/alarm-repository.js';
import { BranchZoneRepository } from '../repositories/branch-zone-repository.js';
import { CredentialRepository } from '../repositories/credential-repository.js';
import { DeviceStatusRepository } from '../repositories/device-status-repository.js';
import { StreamHealthRepository } from '../repositories/stream-health-repository.js';
import { UsageRepository } from '../repositories/usage-repository.js';
import { loadKeys, type ServerKeys } from '../security/keys.js';
import { AuthService } from './auth-service.js';
import { CredentialService } from './credential-service.js';
import { DetectionService } from './detection-service.js';
import { AlarmRuleMatcher } from './alarm-rule-matcher.js';
import { AlarmRuleService } from './alarm-rule-service.js';
import { CameraOfflineAlarms } from './camera-offline-alarms.js';
import { LayoutService } from './layout-service.js';
import { AlarmService } from './alarm-service.js';
import { OrganisationService } from './organisation-service.js';
import { UserService } from './user-service.js';
import { DeviceStatusService } from './device-status-service.js';
import { UsageAggregation } from './usage-aggregation.js';
import { GatewaySettingsService } from './gateway-settings-service.js';
import { GatewaySettingsRepository } from '../repositories/gateway-settings-repository.js';
import { StreamHealthService } from './stream-health-service.js';
import { DashboardService } from './dashboard-service.js';
import { ReportService } from './report-service.js';
import { ReportRepository } from '../repositories/report-repository.js';
import { ReportRecipientRepository } from '../repositories/report-recipient-repository.js';
import { ReportDeliveryService } from './notifications/report-delivery.js';
import { DashboardRepository, StatsRepository } from '../repositories/dashboard-repository.js';
import { StatsTicker } from './stats-ticker.js';
import { PersonService } from './person-service.js';
import { PersonRepository } from '../repositories/person-repository.js';
import { RollupRepository } from '../repositories/rollup-repository.js';
import { QueueMonitor } from './queue-monitor.js';
import { DailyJsonLog } from '../repositories/request-log.js';
import { StorageRepository } from '../repositories/storage-repository.js';
import { StorageDisk } from '../repositories/storage-disk.js';
import { SnapshotPipeline } from './snapshot-pipeline.js';
import { SnapshotIntake } from './snapshot-intake.js';
import { SnapshotAccess, fileUrlKey } from './snapshot-access.js';
import { StorageRetention, snapshotSettingsFromEnv } from './storage-retention.js';
import { createNotifications, type Notifications } from './notifications/index.js';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DetectionThreadHost } from '../queue/detection-thread-host.js';
import { ClusterMembership } from './cluster-membership.js';
import { ClusterRepository } from '../repositories/cluster-repository.js';
import { OutboxSignal } from '../repositories/outbox-signal.js';
import { memoryLoginLimits, postgresLoginLimits } from '../repositories/login-limit-store.js';
import { SERVER_VERSION } from '../version.js';
import { ReportFiguresHost } from './report-figures-host.js';
import { WriteLock } from '../db/write-lock.js';

export interface Services {
  config: ServerConfig;
  logger: Logger;
  db: Db;
  keys: ServerKeys;
  exec: SyncExecutor;
  queue: JobQueue;
  worker: Worker;
  /** This process among the servers sharing the database: heartbeat, leadership (services/cluster-membership.ts). */
  cluster: ClusterMembership;
  /** The detection thread, when the detection jobs run in one (config.detectionThread and a built server). */
  detectionThread: DetectionThreadHost | null;
  /** The report thread's host, when reports are read in one (a built server). */
  reportThread: ReportFiguresHost | null;
  /** The domain events services say and the realtime publisher, snapshots and alerts follow. */
  events: DomainEvents;
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
  alarmRules: AlarmRuleService;
  cameraOfflineAlarms: CameraOfflineAlarms;
  /** Persons, events, and integrators' detections and counts, scope-checked. */
  reads: ReadService;
  deviceStatus: DeviceStatusService;
  /** `<dataDir>/logs/api_requests/YYYY-MM-DD.log`. */
  requestLog: DailyJsonLog;
  usage: UsageAggregation;
  /** Each branch's time zone, for the scheduler's per-zone plan. */
  branchZones: BranchZoneRepository;
  streamHealth: StreamHealthService;
  gatewaySettings: GatewaySettingsService;
  queueMonitor: QueueMonitor;
  /** Person tracking (S8): list, detail, history, journey, label and note. */
  persons: PersonService;
  /** The dashboard (D5): KPIs and series from the rollups. */
  dashboard: DashboardService;
  /** Counting reports (S6, D8): cache first, generated on the reports queue, kept right after late detections. */
  reports: ReportService;
  /** Who receives the daily reports on WhatsApp, and their deliveries (issue 13). */
  reportDelivery: ReportDeliveryService;
  /** `stats_updated` once a second for branches with new detections. */
  statsTicker: StatsTicker;
  /** The rollups' rebuild (`pantau rollups rebuild`). */
  rollups: RollupRepository;
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

const toSocketUser = (u: AuthUser): SocketUser => ({
  id: u.id,
  role: u.role,
  branchScope: u.branchScope,
  groupScope: u.groupScope,
  sessionId: u.sessionId,
  expiresAt: u.expiresAt,
});

/**
 * Open the database, run migrations and wire every service, in named phases:
 *
 * 1. storage: the database (migrated), the executor, the keys, the files on disk;
 * 2. queue: the job queue and the worker (jobs are registered as their services are built);
 * 3. services: the rules, each with its repositories; they say what happened as domain events;
 * 4. realtime: who follows the domain events, in order (the snapshot pipeline, the real-time
 *    publisher, the WhatsApp alerts), and the executor's commit hook that wakes the hub;
 * 5. start-up: work left by the previous process that needs every subscriber in place.
 *
 * The worker and the scheduler are started by the caller (server.ts), after the HTTP server
 * listens.
 */
export async function createServices(config: ServerConfig, logger: Logger): Promise<Services> {
  // ---- 1. storage -------------------------------------------------------------------------
  const db = openDatabase(config.dataDir, config.databaseUrl);
  await migrate(db);
  const keys = loadKeys(config.dataDir);
  // the detection thread, when there is one, writes on a connection of its own: the two take
  // turns. SQLite only: libpq's binding loads in one thread per process (db/pg-connection.ts)
  const threadFile = new URL('../queue/detection-thread.js', import.meta.url);
  const useThread = config.detectionThread && db.engine === 'sqlite' && fs.existsSync(fileURLToPath(threadFile));
  const lock = useThread ? new WriteLock() : null;
  const exec = new SyncExecutor(db.conn, lock);
  exec.onListenerError = (err) => logger.error({ err }, 'commit listener failed');
  const disk = new StorageDisk(config.dataDir);
  const storage = new StorageRepository(db.conn);
  const outbox = new Outbox(db.conn);
  const requestLog = new DailyJsonLog(path.join(config.dataDir, 'logs', 'api_requests'), config.timezone);
  const fileAccessLog = new DailyJsonLog(path.join(config.dataDir, 'logs', 'file_access'), config.timezone);

  // ---- 2. queue ---------------------------------------------------------------------------
  const queueConfig = config.queues;
  const queue = new JobQueue(
    db.conn,
    {},
    Date.now,
    Object.fromEntries(Object.entries(queueConfig).map(([name, q]) => [name, q.priority])),
  );
  // SQLite: one server process, which puts back every job left running at its start; PostgreSQL:
  // the cluster membership puts back only a dead process's (services/cluster-membership.ts)
  const worker = new Worker({
    exec,
    queue,
    payloads: JOB_PAYLOADS,
    logger,
    queues: queueConfig,
    recoverAtStart: db.engine === 'sqlite',
    // PostgreSQL: one job per transaction. Several processes apply detections at once, and a
    // batch of jobs takes the hot rollup rows (a branch's hour and day) in no common order: two
    // processes' batches deadlocked there (measured: 4 in 6 s with two processes, each costing
    // PostgreSQL's 1 s deadlock_timeout with both event loops blocked). One detection per
    // transaction takes its rows in the statements' fixed order, one row of each table, so no
    // two transactions wait on each other in a circle.
    ...(db.engine === 'postgres' ? { batchSize: 1 } : {}),
  });
  const cluster = new ClusterMembership(
    new ClusterRepository(db.conn),
    exec,
    queue,
    () => worker.queueNames(),
    logger,
    { role: config.role, version: SERVER_VERSION, recoverAbandoned: db.engine === 'postgres' && config.runWorker },
    (queues) => queues.forEach((q) => worker.notify(q)),
  );
  const events = new DomainEvents(() => exec.inTransaction);

  // ---- 3. services ------------------------------------------------------------------------
  const userRepo = new UserRepository(db.kysely, exec);
  const auditLog = new AuditRepository(db.kysely, exec);
  // scale mode: the sign-in limiter's counters are shared by the processes (PostgreSQL)
  const loginLimits = db.url ? postgresLoginLimits(db.url) : memoryLoginLimits;
  const auth = new AuthService(userRepo, exec, auditLog, config.sessionTtlMs, loginLimits);
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
  // the detection thread (when there is one) runs the accept transactions and the detection jobs
  const detectionThread =
    useThread && lock
      ? new DetectionThreadHost({
          file: threadFile,
          data: () => ({
            dataDir: config.dataDir,
            lock: lock.buffer,
            logLevel: config.logLevel,
            timezone: config.timezone,
            specs: queue.specsSnapshot(),
            queuePriority: Object.fromEntries(Object.entries(queueConfig).map(([name, q]) => [name, q.priority])),
            runWorker: config.runWorker,
          }),
          logger,
          onFrames: () => hub.pump(),
          onEnqueued: (q) => worker.notify(q),
        })
      : null;
  const detections = new DetectionService(
    new DetectionRepository(db.conn),
    exec,
    queue,
    events,
    new AlarmRuleMatcher(new AlarmMatchRepository(db.conn)),
    {
      remote: detectionThread,
      limits: config.intakeLimits,
    },
  );
  // in the thread, or here: the queue knows its settings either way (a retried failed job is enqueued here)
  if (detectionThread) {
    queue.define(detections.job.type, detections.job);
    queue.onEnqueue((q) => {
      if (q === detections.job.queue) detectionThread.wake();
    });
  } else worker.register(detections.job);
  const snapshotSettings = snapshotSettingsFromEnv();
  const snapshots = new SnapshotPipeline(storage, disk, queue, events, logger);
  worker.register(snapshots.job);
  const retention = new StorageRetention(storage, disk, exec, queue, logger, snapshotSettings.retentionDays);
  worker.register(retention.job);
  const dashboardRepo = new DashboardRepository(db.kysely, exec);
  const reportRepo = new ReportRepository(db.kysely, exec);
  // report figures are read in a thread of their own where the built thread module exists (not
  // under the unit tests, which run the sources): seconds of reads never hold this thread
  const reportThreadFile = new URL('./report-figures-thread.js', import.meta.url);
  const reportThread =
    db.engine === 'sqlite' && fs.existsSync(fileURLToPath(reportThreadFile))
      ? new ReportFiguresHost({ file: reportThreadFile, data: { dataDir: config.dataDir }, logger })
      : null;
  const reports = new ReportService(
    reportRepo,
    (scope, filter) => dashboardRepo.branches(scope, filter),
    exec,
    queue,
    events,
    auditLog,
    config.timezone,
    Date.now,
    reportThread?.read,
  );
  worker.register(reports.job);
  const notifications = createNotifications({
    db,
    exec,
    queue,
    events,
    audit: auditLog,
    logger,
    dataDir: config.dataDir,
    timezone: config.timezone,
    secretsKey: keys.streamSecrets,
    imageOf: (id) => snapshots.imagePathOf(id),
    documentOf: (id, lang) => reports.pdf(id, lang),
  });
  worker.register(notifications.sender.job);
  const reportDelivery = new ReportDeliveryService(
    new ReportRecipientRepository(db.kysely, exec),
    notifications.dispatcher,
    exec,
    auditLog,
    (id) => reportRepo.byId(id),
    (groupId) =>
      dashboardRepo.groupExists(groupId)
        ? dashboardRepo.branches(null, { group_id: groupId }).map((b) => b.id)
        : undefined,
    (branchId) => dashboardRepo.branches(null, { branch_id: branchId }).length > 0,
    events,
  );
  const credentials = new CredentialService(new CredentialRepository(db.kysely, exec), exec, auditLog);
  // a camera moved to another branch loses its alert overrides there (notifications.settings)
  const organisation = new OrganisationService(
    new OrganisationRepository(db.kysely, exec),
    exec,
    events,
    auditLog,
    keys.streamSecrets,
    notifications.settings,
  );
  const streamHealth = new StreamHealthService(
    new StreamHealthRepository(db.kysely, exec),
    exec,
    events,
    (row, quality) => organisation.sourceUrl(row.id, quality, null)?.url ?? row.main_url,
  );
  // what a stream sends is learnt when it is created or changed, not at the next scheduled round
  if (config.streamProbeOnChange)
    events.on('device.changed', (e) => {
      const streamId = e.stream_id;
      if (streamId !== undefined && e.action !== 'deleted') setImmediate(() => void streamHealth.probeOne(streamId));
    });

  // ---- 4. realtime ------------------------------------------------------------------------
  // Order matters for a detection: its snapshot is linked before the publisher reads its row for
  // the feed (so the first frame says the snapshot is pending), and its WhatsApp deliveries are
  // queued after its frame (so a console hears of the event before its deliveries).
  snapshots.follow();
  const publisher = new RealtimePublisher(outbox, new EventRowRepository(db.kysely, db.conn), events);
  notifications.dispatcher.follow();
  // a new branch gets the default alarm rule in its creating transaction
  const alarmRules = new AlarmRuleService(
    new AlarmRuleRepository(db.kysely, exec),
    new WatchlistRepository(db.kysely, exec),
    exec,
    events,
    auditLog,
  );
  alarmRules.follow();
  const offlineRepo = new AlarmMatchRepository(db.conn);
  const cameraOfflineAlarms = new CameraOfflineAlarms(
    offlineRepo,
    new AlarmRuleMatcher(offlineRepo),
    exec,
    events,
    notifications.dispatcher,
  );
  // a commit that wrote frames wakes the hub (no service pumps by hand)
  // scale mode: the other processes' hubs are woken too (LISTEN/NOTIFY, one per committed batch)
  const outboxSignal = db.url ? new OutboxSignal(db.url, () => hub.pump(), logger) : null;
  void outboxSignal?.start();
  exec.onCommit(() => {
    if (publisher.takeAppended()) {
      hub.pump();
      outboxSignal?.notify();
    }
  });

  // ---- 5. start-up ------------------------------------------------------------------------
  // webhook statuses acknowledged before a restart whose message id was stored meanwhile (the
  // sender's commits apply the rest as their ids come)
  notifications.webhook.applyClaimed();

  const reads = new ReadService(new ReadRepository(db.kysely, exec), (deviceId) =>
    organisation.branchOfDevice(deviceId),
  );
  const statsTicker = new StatsTicker(new StatsRepository(db.kysely, exec), exec, events, logger);
  const queueMonitor = new QueueMonitor(queue, exec, events, auditLog, logger, config.queueAlertThreshold, queueConfig);
  return {
    config,
    logger,
    db,
    keys,
    exec,
    queue,
    worker,
    detectionThread,
    reportThread,
    events,
    outbox,
    hub,
    auth,
    users: new UserService(userRepo, auth, exec, auditLog, events, hub),
    auditLog,
    credentials,
    organisation,
    detections,
    layouts: new LayoutService(new LayoutRepository(db.kysely, exec), exec, events, auditLog),
    // escalation messages go out through the WhatsApp alerts (notifications.dispatcher.enqueueEscalation)
    alarms: new AlarmService(new AlarmRepository(db.kysely, exec), exec, events, auditLog, notifications.dispatcher),
    alarmRules,
    cameraOfflineAlarms,
    reads,
    deviceStatus: new DeviceStatusService(
      new DeviceStatusRepository(db.kysely, exec),
      exec,
      events,
      config.heartbeatTimeoutMs,
    ),
    requestLog,
    usage: new UsageAggregation(new UsageRepository(db.kysely, exec), exec, requestLog),
    branchZones: new BranchZoneRepository(db.kysely, exec),
    queueMonitor,
    dashboard: new DashboardService(dashboardRepo, queueMonitor, config.timezone),
    reports,
    reportDelivery,
    persons: new PersonService(
      new PersonRepository(db.kysely, exec),
      reads,
      (scope, filter) => dashboardRepo.branches(scope, filter),
      exec,
      auditLog,
    ),
    statsTicker,
    cluster,
    rollups: new RollupRepository(db.conn),
    notifications,
    snapshots,
    snapshotIntake: new SnapshotIntake(disk, detections, config.timezone),
    snapshotAccess: new SnapshotAccess(
      storage,
      disk,
      fileUrlKey(keys.liveTicket),
      fileAccessLog,
      snapshotSettings.fileUrlTtlMs,
    ),
    retention,
    streamHealth,
    gatewaySettings: new GatewaySettingsService(new GatewaySettingsRepository(db.kysely, exec), exec, auditLog),
    async close() {
      cluster.stop();
      streamHealth.close();
      statsTicker.stop();
      await worker.stop();
      await detectionThread?.stop();
      await reportThread?.stop();
      hub.close();
      await outboxSignal?.close();
      await loginLimits.close();
      credentials.close();
      requestLog.close();
      notifications.close();
      fileAccessLog.close();
      await db.close();
    },
  };
}
