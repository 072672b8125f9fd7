/**
 * Every DynamoDB table of the CSMS, defined once: the CDK stack creates them from this list and
 * the local runtime creates the same tables in the embedded DynamoDB. Handlers find a table's
 * name in the environment variable `envVar` (set by the stack, or by the local runtime).
 */
export type KeyType = 'S' | 'N';
export interface Key {
  name: string;
  type: KeyType;
}
export interface IndexDef {
  name: string;
  partitionKey: Key;
  sortKey?: Key;
  /**
   * What the index copies of each item. ALL (the default) for indexes whose readers need whole
   * items; KEYS_ONLY where they need only the keys: then an update of other attributes does not
   * write the index at all (docs/scale.md, "Cutting waste").
   */
  projection?: 'ALL' | 'KEYS_ONLY';
}
export interface TableDef {
  /** Logical name, also the local table name. */
  name: string;
  envVar: string;
  partitionKey: Key;
  sortKey?: Key;
  /** Attribute holding an epoch-seconds expiry; AWS deletes late, so readers check it too. */
  ttlAttribute?: string;
  indexes?: IndexDef[];
  /**
   * Point-in-time recovery (continuous backups, billed per GB-month of table size). On unless a
   * restore would bring back nothing worth having (answers that expire within minutes).
   */
  pointInTimeRecovery?: false;
  purpose: string;
}

const S = (name: string): Key => ({ name, type: 'S' });

export const TABLES = {
  chargePoints: {
    name: 'ChargePoints',
    envVar: 'CHARGE_POINTS_TABLE',
    partitionKey: S('chargePointId'),
    purpose: 'Registry, credentials, connection record, boot info, connector/EVSE status, pending CSMS call',
  },
  idTags: {
    name: 'IdTags',
    envVar: 'ID_TAGS_TABLE',
    partitionKey: S('idTag'),
    purpose: 'Authorization identifiers (1.6 idTag, 2.0.1 idToken) with status, expiry and group',
  },
  transactions: {
    name: 'Transactions',
    envVar: 'TRANSACTIONS_TABLE',
    partitionKey: S('chargePointId'),
    sortKey: S('transactionId'),
    // active*: sparse, only while a transaction runs. byIdTag: the sessions of one card, newest first.
    // byTransactionId finds the item's key (the API then reads the item); activeByGroup only counts.
    indexes: [
      { name: 'byTransactionId', partitionKey: S('transactionId'), projection: 'KEYS_ONLY' },
      { name: 'activeByChargePoint', partitionKey: S('activeChargePointId'), sortKey: S('transactionId') },
      { name: 'activeByGroup', partitionKey: S('activeGroupKey'), projection: 'KEYS_ONLY' },
      { name: 'byIdTag', partitionKey: S('idTagKey'), sortKey: S('startedAt') },
    ],
    purpose: 'Charging sessions of both generations; a charge point only reaches its own partition',
  },
  meterValues: {
    name: 'MeterValues',
    envVar: 'METER_VALUES_TABLE',
    partitionKey: S('seriesId'),
    sortKey: S('sampleKey'),
    // Set when a retention is configured (CSMS_METER_VALUES_DAYS; the stack's meterValuesDays).
    ttlAttribute: 'expiresAt',
    purpose: 'Meter values, one item per message, read back in order per transaction or connector',
  },
  callResults: {
    name: 'CallResults',
    envVar: 'CALL_RESULTS_TABLE',
    partitionKey: S('messageId'),
    ttlAttribute: 'expiresAt',
    // Each item matters for the seconds a caller waits for it: nothing to restore.
    pointInTimeRecovery: false,
    purpose: 'Outcome of each CSMS→charge point call, read by the caller that waits for it',
  },
  counters: {
    name: 'Counters',
    envVar: 'COUNTERS_TABLE',
    partitionKey: S('key'),
    ttlAttribute: 'expiresAt',
    purpose: 'Atomic counters (transaction ids) and idempotency records of retried messages',
  },
  messageLog: {
    name: 'MessageLog',
    envVar: 'MESSAGE_LOG_TABLE',
    partitionKey: S('chargePointId'),
    sortKey: S('logKey'),
    ttlAttribute: 'expiresAt',
    purpose: 'Audit log of OCPP frames in and out per charge point, kept for a configured number of days',
  },
  reservations: {
    name: 'Reservations',
    envVar: 'RESERVATIONS_TABLE',
    partitionKey: S('chargePointId'),
    sortKey: S('reservationId'),
    // The reservations in one stored status by expiry, across charge points (GET /api/reservations?status=).
    indexes: [{ name: 'byStatus', partitionKey: S('status'), sortKey: S('expiryDate') }],
    purpose: 'Reservations and their lifecycle (Active, Used, Cancelled, Expired)',
  },
  chargingProfiles: {
    name: 'ChargingProfiles',
    envVar: 'CHARGING_PROFILES_TABLE',
    partitionKey: S('chargePointId'),
    sortKey: S('profileKey'),
    purpose: "The CSMS's exact model of the charging profiles installed on each charge point",
  },
  jobs: {
    name: 'Jobs',
    envVar: 'JOBS_TABLE',
    partitionKey: S('jobId'),
    sortKey: S('itemKey'),
    // Only the transient items carry it: multi-part report records (shared/store/reports.ts).
    ttlAttribute: 'expiresAt',
    // byChargePoint: sparse, per-charge-point job items (no longer queried; dropped in a later deploy).
    // byList: sparse, `listKey` on jobs and their charge point items (shared/workflows/jobs.ts).
    indexes: [{ name: 'byChargePoint', partitionKey: S('chargePointId'), sortKey: S('createdAt') }, { name: 'byList', partitionKey: S('listKey'), sortKey: S('createdAt') }],
    purpose: 'Firmware rollouts, diagnostics and log uploads: the job and one item per charge point with its status history',
  },
  deviceModel: {
    name: 'DeviceModel',
    envVar: 'DEVICE_MODEL_TABLE',
    partitionKey: S('chargePointId'),
    sortKey: S('variableKey'),
    purpose: '1.6 configuration keys and 2.0.1 component variables as last reported by the charge point',
  },
  events: {
    name: 'Events',
    envVar: 'EVENTS_TABLE',
    partitionKey: S('chargePointId'),
    sortKey: S('eventKey'),
    ttlAttribute: 'expiresAt',
    purpose: 'Security events, NotifyEvent reports and anomalies (e.g. unknown transaction ids)',
  },
  tariffs: {
    name: 'Tariffs',
    envVar: 'TARIFFS_TABLE',
    partitionKey: S('tariffId'),
    purpose: 'OCPI 2.2.1 tariffs the operator defines; a session keeps a copy of the one it started with',
  },
  sites: {
    name: 'Sites',
    envVar: 'SITES_TABLE',
    partitionKey: S('siteId'),
    sortKey: S('itemKey'),
    purpose: 'Site load management: each site, its allocation per connector, its lock; and which site a charge point belongs to (docs/sites.md)',
  },
} satisfies Record<string, TableDef>;

export type TableId = keyof typeof TABLES;
export const TABLE_LIST: TableDef[] = Object.values(TABLES);

/** The table name a handler should use, from its environment (falls back to the logical name locally). */
export function tableName(id: TableId): string {
  const def = TABLES[id];
  return process.env[def.envVar] ?? def.name;
}
