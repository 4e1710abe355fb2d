import { join } from 'node:path';
import { ConfigError } from './config-error';
import { EnvReader } from './env-reader';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** API tokens look like `carve_<8 prefix chars>_<32 secret chars>`; see libs/tenancy. */
/** A path xl.cfg can hold inside quotes (the rule libs/xen applies to config paths). */
const RESCUE_PATH = /^\/[A-Za-z0-9_.+/=:@-]*$/;
const RESCUE_PATH_FORM = 'an absolute path of letters, digits and _ . + / = : @ -';

export const API_TOKEN_PATTERN = /^carve_[a-z0-9]{8}_[A-Za-z0-9]{32}$/;

/**
 * Every setting carve reads, parsed once at boot. process.env is read nowhere else:
 * the launcher (scripts/start.ts) fills in DATABASE_URL and REDIS_URL when it starts
 * embedded services, then the API and the worker call loadConfig().
 */
export class CarveConfig {
  /** postgres://user:pass@host:port/db */
  readonly databaseUrl: string;
  /** redis://host:port[/db] */
  readonly redisUrl: string;
  /** Prefix for every Redis key and BullMQ queue carve owns, so tests and deployments can share a Redis. */
  readonly redisPrefix: string;
  readonly port: number;
  readonly host: string;
  readonly logLevel: LogLevel;
  /** Requests per token (or per address when unauthenticated) per rate-limit window. */
  readonly rateLimitPerWindow: number;
  readonly rateLimitWindowSeconds: number;
  readonly bodyLimitBytes: number;
  /** When set on first start, becomes the bootstrap operator token instead of a random one. */
  readonly bootstrapToken?: string;
  /** Concurrent SSH exec channels per Dom0 connection (OpenSSH's MaxSessions defaults to 10). */
  readonly sshMaxChannelsPerHost: number;
  readonly sshCommandTimeoutMs: number;
  /** The private key the worker logs in to every Dom0 with (its public key is in each host's authorized_keys). */
  readonly sshPrivateKeyPath?: string;
  /** The Dom0 agent bundle the install route copies; unset: built from source on first use, else dist/agent/carve-agent.js. */
  readonly agentBundlePath?: string;
  /** Directory the agent install treats as the Dom0's `/` (tests install into a temp dir); `/` in production. */
  readonly agentInstallRoot: string;
  /** Provisioning jobs running at once on one host; jobs of one server always run one at a time. */
  readonly jobsPerHost: number;
  /** Provisioning jobs one worker process runs at once, across all hosts. */
  readonly workerConcurrency: number;
  /** Attempts for a job failing with transient errors (unreachable host, timeout), with exponential backoff. */
  readonly jobAttempts: number;
  readonly jobBackoffMs: number;
  /** How long a worker's hold on a running job lasts without renewal: a worker killed mid-job loses its jobs to another after this. */
  readonly jobLockMs: number;
  /** Seconds between reconciler passes over every host; 0 turns the reconciler off. */
  readonly reconcileIntervalSeconds: number;
  /** Seconds between metering collections from every host (10 or more); 0 turns collection off. */
  readonly meteringIntervalSeconds: number;
  /** Hosts one worker process reads at once; sized so 1,000 hosts fit one interval. */
  readonly meteringHostsAtOnce: number;
  /** How long each resolution of usage is kept: raw spans, 5-minute and hourly rollups (daily ones forever). */
  readonly meteringRetention: { rawHours: number; fiveMinuteDays: number; hourlyMonths: number };
  /** IANA zone whose calendar months are the billing periods (UTC by default). */
  readonly billingTimeZone: string;
  /** How long after a period ends the scheduled invoice run waits for late readings. */
  readonly billingCollectionWindowMinutes: number;
  /** The operator as invoices name it. */
  readonly operatorName: string;
  /** Webhook endpoints may be plain http:// (otherwise https:// only). */
  readonly webhookAllowHttp: boolean;
  /** Webhook endpoints may resolve to loopback, private, link-local, CGNAT or metadata addresses (tests, labs). */
  readonly webhookAllowPrivate: boolean;
  /** How long one delivery attempt may take, connection to last byte. */
  readonly webhookTimeoutMs: number;
  /** Attempts per delivery; after a failure the next waits webhookRetryBaseSeconds x 2^(attempts - 1). */
  readonly webhookMaxAttempts: number;
  readonly webhookRetryBaseSeconds: number;
  /** How often each worker looks for new events and due deliveries; 0 turns delivery off in that worker. */
  readonly webhookPollMs: number;
  /** Delivery attempts one worker process makes at once. */
  readonly webhookDeliveriesAtOnce: number;
  /** Seconds between checks of every host for a server dominating its disk contention (host.io.dominated); 0 turns them off. */
  readonly ioDominanceIntervalSeconds: number;
  /** Rescue mode: the operator's rescue kernel and initramfs, at the same path on every host, and the arguments its initramfs needs. */
  readonly rescueKernelPath: string;
  readonly rescueRamdiskPath: string;
  readonly rescueCmdline: string;
  /** The SSH console gateway's port (`ssh -p PORT SERVERNAME@host`); 0 turns it off. */
  readonly consoleGatewayPort: number;
  /** The address the gateway listens on (HOST by default). */
  readonly consoleGatewayHost: string;
  /** The gateway's host key (ed25519, OpenSSH format), made on first start; customers pin its fingerprint. */
  readonly consoleGatewayHostKeyPath: string;
  /** Console sessions (web and SSH) open at once on one server, and across one customer's servers. */
  readonly consoleSessionsPerServer: number;
  readonly consoleSessionsPerTenant: number;
  /** A console session nobody typed into for this long is closed. */
  readonly consoleIdleSeconds: number;
  /** How often open console sessions check that the token or SSH key that opened them still stands. */
  readonly consoleRecheckSeconds: number;

  constructor(values: Omit<CarveConfig, never>) {
    Object.assign(this, values);
  }
}

export function loadConfig(env: Record<string, string | undefined> = process.env): CarveConfig {
  const read = new EnvReader(env);
  const config = new CarveConfig({
    databaseUrl: read.require(
      'DATABASE_URL',
      read.url('DATABASE_URL', ['postgres', 'postgresql'], 'a PostgreSQL URL like postgres://user:password@127.0.0.1:5432/carve'),
      'a PostgreSQL URL like postgres://user:password@127.0.0.1:5432/carve (npm start sets one up when it is unset)',
    ),
    redisUrl: read.require(
      'REDIS_URL',
      read.url('REDIS_URL', ['redis', 'rediss'], 'a Redis URL like redis://127.0.0.1:6379'),
      'a Redis URL like redis://127.0.0.1:6379 (npm start sets one up when it is unset)',
    ),
    redisPrefix: read.matching('REDIS_PREFIX', /^[a-z0-9_-]{1,32}$/i, 'letters, digits, - or _ (1-32)') ?? 'carve',
    port: read.integer('PORT', 3000, 1, 65535),
    host: read.optionalString('HOST') ?? '127.0.0.1',
    logLevel: read.oneOf('LOG_LEVEL', LOG_LEVELS, 'info'),
    rateLimitPerWindow: read.integer('RATE_LIMIT_PER_MINUTE', 600, 1, 1_000_000),
    rateLimitWindowSeconds: 60,
    bodyLimitBytes: read.integer('BODY_LIMIT_BYTES', 1_048_576, 1024, 104_857_600),
    bootstrapToken: read.matching(
      'CARVE_BOOTSTRAP_TOKEN',
      API_TOKEN_PATTERN,
      'a token of the form carve_<8 lowercase letters or digits>_<32 letters or digits>',
    ),
    sshMaxChannelsPerHost: read.integer('SSH_MAX_CHANNELS_PER_HOST', 8, 1, 64),
    sshCommandTimeoutMs: read.integer('SSH_COMMAND_TIMEOUT_MS', 120_000, 100, 3_600_000),
    sshPrivateKeyPath: read.optionalString('CARVE_SSH_PRIVATE_KEY_PATH'),
    agentBundlePath: read.optionalString('CARVE_AGENT_BUNDLE_PATH'),
    agentInstallRoot: read.matching('CARVE_AGENT_INSTALL_ROOT', /^\/[A-Za-z0-9._/-]*$/, 'an absolute path of letters, digits, . _ - and /') ?? '/',
    jobsPerHost: read.integer('JOBS_PER_HOST', 4, 1, 64),
    workerConcurrency: read.integer('WORKER_CONCURRENCY', 32, 1, 1024),
    jobAttempts: read.integer('JOB_ATTEMPTS', 5, 1, 50),
    jobBackoffMs: read.integer('JOB_BACKOFF_MS', 2000, 10, 600_000),
    jobLockMs: read.integer('JOB_LOCK_MS', 30_000, 1000, 600_000),
    reconcileIntervalSeconds: read.integer('RECONCILE_INTERVAL_SECONDS', 60, 0, 86_400),
    meteringIntervalSeconds: read.integer('METERING_INTERVAL_SECONDS', 60, 0, 3600),
    meteringHostsAtOnce: read.integer('METERING_HOSTS_AT_ONCE', 64, 1, 1024),
    billingTimeZone: read.matching('BILLING_TIME_ZONE', /^[A-Za-z][A-Za-z0-9_+\-/]{0,63}$/, 'an IANA time zone such as UTC or Australia/Melbourne') ?? 'UTC',
    billingCollectionWindowMinutes: read.integer('BILLING_COLLECTION_WINDOW_MINUTES', 120, 0, 10_080),
    operatorName: read.optionalString('OPERATOR_NAME') ?? 'carve hosting',
    webhookAllowHttp: read.boolean('WEBHOOK_ALLOW_HTTP', false),
    webhookAllowPrivate: read.boolean('WEBHOOK_ALLOW_PRIVATE', false),
    webhookTimeoutMs: read.integer('WEBHOOK_TIMEOUT_MS', 10_000, 100, 60_000),
    webhookMaxAttempts: read.integer('WEBHOOK_MAX_ATTEMPTS', 6, 1, 20),
    webhookRetryBaseSeconds: read.integer('WEBHOOK_RETRY_BASE_SECONDS', 30, 1, 3600),
    webhookPollMs: read.integer('WEBHOOK_POLL_MS', 2000, 0, 60_000),
    webhookDeliveriesAtOnce: read.integer('WEBHOOK_DELIVERIES_AT_ONCE', 8, 1, 256),
    ioDominanceIntervalSeconds: read.integer('IO_DOMINANCE_INTERVAL_SECONDS', 300, 0, 86_400),
    rescueKernelPath: read.matching('CARVE_RESCUE_KERNEL', RESCUE_PATH, RESCUE_PATH_FORM) ?? '/var/lib/carve/rescue/vmlinuz',
    rescueRamdiskPath: read.matching('CARVE_RESCUE_RAMDISK', RESCUE_PATH, RESCUE_PATH_FORM) ?? '/var/lib/carve/rescue/initrd.img',
    // Goes inside double quotes in xl.cfg and into a 1023-byte PV command line with the keys.
    rescueCmdline: read.matching('CARVE_RESCUE_CMDLINE', /^[A-Za-z0-9 _.,:=/+@-]{0,200}$/, 'at most 200 of letters, digits, spaces and _ . , : = / + @ -') ?? 'boot=live console=hvc0',
    consoleGatewayPort: read.integer('CARVE_CONSOLE_GATEWAY_PORT', 2222, 0, 65535),
    consoleGatewayHost: read.optionalString('CARVE_CONSOLE_GATEWAY_HOST') ?? read.optionalString('HOST') ?? '127.0.0.1',
    consoleGatewayHostKeyPath:
      read.optionalString('CARVE_CONSOLE_GATEWAY_HOST_KEY_PATH') ?? join(read.optionalString('CARVE_DATA_DIR') ?? '.data', 'console-gateway', 'ssh_host_ed25519_key'),
    consoleSessionsPerServer: read.integer('CARVE_CONSOLE_SESSIONS_PER_SERVER', 4, 1, 100),
    consoleSessionsPerTenant: read.integer('CARVE_CONSOLE_SESSIONS_PER_TENANT', 10, 1, 10_000),
    consoleIdleSeconds: read.integer('CARVE_CONSOLE_IDLE_SECONDS', 1800, 1, 7 * 86_400),
    consoleRecheckSeconds: read.integer('CARVE_CONSOLE_RECHECK_SECONDS', 5, 1, 3600),
    meteringRetention: {
      rawHours: read.integer('METERING_RAW_RETENTION_HOURS', 48, 1, 24 * 90),
      fiveMinuteDays: read.integer('METERING_5M_RETENTION_DAYS', 35, 1, 3650),
      hourlyMonths: read.integer('METERING_1H_RETENTION_MONTHS', 13, 1, 1200),
    },
  });
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: config.billingTimeZone });
  } catch {
    read.problems.push({ variable: 'BILLING_TIME_ZONE', expected: 'an IANA time zone such as UTC or Australia/Melbourne', received: config.billingTimeZone });
  }
  if (config.meteringIntervalSeconds > 0 && config.meteringIntervalSeconds < 10) {
    read.problems.push({
      variable: 'METERING_INTERVAL_SECONDS',
      expected: '0 (off) or 10 to 3600 (xl list counts CPU time in tenths of a second: shorter intervals are too coarse)',
      received: String(config.meteringIntervalSeconds),
    });
  }
  if (read.problems.length > 0) throw new ConfigError(read.problems);
  return config;
}
