/**
 * The cost model's arithmetic, every expectation computed by hand in the comments.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  billedMessages, fleetCost, fullBill, gsiExtraWriteUnits, gsiWriteFactor, lambdaBilledMs, monthlyUsagePerChargePoint, priceUsage, tieredCost, unitPrices,
  type CostOptions, type EventUsage, type LoadProfile, type PriceFile, type UnitPrices,
} from '../../shared/cost-model';
import { TABLE_LIST } from '../../shared/store/tables';

describe('billing units', () => {
  it('meters WebSocket messages in 32 KB increments, at least one', () => {
    expect(billedMessages(0)).toBe(1);
    expect(billedMessages(100)).toBe(1);
    expect(billedMessages(32 * 1024)).toBe(1);
    expect(billedMessages(32 * 1024 + 1)).toBe(2); // "a 33 KB message is metered as two messages"
    expect(billedMessages(33 * 1024)).toBe(2);
    expect(billedMessages(128 * 1024)).toBe(4);
  });

  it('rounds Lambda duration up to the next millisecond', () => {
    expect(lambdaBilledMs(0.2)).toBe(1);
    expect(lambdaBilledMs(1)).toBe(1);
    expect(lambdaBilledMs(1.01)).toBe(2);
    expect(lambdaBilledMs(8.5)).toBe(9);
  });

  it('prices each volume band at its own rate', () => {
    const tiers = [{ upTo: 10, usd: 1 }, { upTo: 30, usd: 0.5 }, { usd: 0.1 }];
    expect(tieredCost(0, tiers)).toBe(0);
    expect(tieredCost(5, tiers)).toBe(5);
    expect(tieredCost(10, tiers)).toBe(10);
    expect(tieredCost(25, tiers)).toBe(17.5); // 10 × 1 + 15 × 0.5
    expect(tieredCost(40, tiers)).toBe(21); // 10 + 20 × 0.5 + 10 × 0.1
  });
});

// A small profile whose numbers are easy to follow by hand.
const opts: CostOptions = { lambdaMemoryMb: 256, daysPerMonth: 30, historyDays: 365 };
const usage: Record<string, EventUsage> = {
  Heartbeat: { gatewayMessages: 2, lambdaInvocations: 1, lambdaBilledMs: 8, readUnits: 0, writeUnits: 1, logBytes: 500 },
  StatusNotification: { gatewayMessages: 2, lambdaInvocations: 1, lambdaBilledMs: 10, readUnits: 0.5, writeUnits: 2, logBytes: 1000 },
};
const profile: LoadProfile = {
  name: 'test',
  eventsPerDay: { Heartbeat: 288, StatusNotification: 10 },
  connectedMinutesPerDay: 1440,
  stored: { log: { bytesPerDay: 1e6, retentionDays: 30 }, meter: { bytesPerDay: 1e5 } },
};
const prices: UnitPrices = {
  gatewayMessage: [{ upTo: 1e9, usd: 1e-6 }, { usd: 0.8e-6 }],
  gatewayConnectionMinute: [{ usd: 0.25e-6 }],
  messageIncrementBytes: 32768,
  lambdaRequest: [{ usd: 0.2e-6 }],
  lambdaGbSecond: [{ usd: 0.0000133334 }],
  dynamoWriteUnit: [{ usd: 0.625e-6 }],
  dynamoReadUnit: [{ usd: 0.125e-6 }],
  dynamoStorageGbMonth: [{ usd: 0.25 }],
  stepFunctionsTransition: [{ usd: 0.025e-3 }],
  logsIngestedGb: [{ usd: 0.5 }],
  httpApiRequest: [{ usd: 1e-6 }],
};

describe('monthly usage of one charge point', () => {
  const { usage: u, missing } = monthlyUsagePerChargePoint(profile, usage, opts);
  it('adds up every event × occurrences × 30 days', () => {
    expect(missing).toEqual([]);
    expect(u.apiGatewayMessages).toBe(17_880); // 30 × (288 × 2 + 10 × 2)
    expect(u.lambdaRequests).toBe(8940); // 30 × 298
    expect(u.lambdaDuration).toBeCloseTo(18.03, 10); // 30 × (288 × 0.008 s + 10 × 0.010 s) × 0.25 GB
    expect(u.dynamoReads).toBe(150); // 30 × 10 × 0.5
    expect(u.dynamoWrites).toBe(9240); // 30 × (288 × 1 + 10 × 2)
    expect(u.cloudWatchLogs).toBeCloseTo(0.00462, 12); // 30 × (288 × 500 + 10 × 1000) B / 1e9
    expect(u.apiGatewayConnectionMinutes).toBe(43_200); // 30 × 1440
    expect(u.dynamoStorage).toBeCloseTo(0.0665, 12); // 1 MB/day × 30 d + 0.1 MB/day × 365 d
  });

  it('names the events it has no usage for', () => {
    const r = monthlyUsagePerChargePoint({ ...profile, eventsPerDay: { ...profile.eventsPerDay, MeterValues: 300, Unused: 0 } }, usage, opts);
    expect(r.missing).toEqual(['MeterValues']);
  });
});

describe('fleet cost', () => {
  it('prices one charge point', () => {
    const c = fleetCost(profile, usage, prices, 1, opts);
    expect(c.perChargePointByService.apiGatewayMessages).toBeCloseTo(0.01788, 12); // 17,880 × $1/M
    expect(c.perChargePointByService.apiGatewayConnectionMinutes).toBeCloseTo(0.0108, 12); // 43,200 × $0.25/M
    expect(c.perChargePointByService.lambdaRequests).toBeCloseTo(0.001788, 12); // 8,940 × $0.20/M
    expect(c.perChargePointByService.lambdaDuration).toBeCloseTo(0.000240401202, 12); // 18.03 × 0.0000133334
    expect(c.perChargePointByService.dynamoWrites).toBeCloseTo(0.005775, 12); // 9,240 × $0.625/M
    expect(c.perChargePointByService.dynamoReads).toBeCloseTo(0.00001875, 12); // 150 × $0.125/M
    expect(c.perChargePointByService.dynamoStorage).toBeCloseTo(0.016625, 12); // 0.0665 × $0.25
    expect(c.perChargePointByService.cloudWatchLogs).toBeCloseTo(0.00231, 12); // 0.00462 × $0.50
    // 0.01788 + 0.0108 + 0.001788 + 0.000240401202 + 0.005775 + 0.00001875 + 0.016625 + 0.00231
    expect(c.perChargePointUsdPerMonth).toBeCloseTo(0.055437151202, 12);
    expect(c.fleetUsdPerMonth).toBeCloseTo(0.055437151202, 12);
  });

  it('applies the volume tier to the fleet total: 100,000 charge points pass 1 billion messages', () => {
    const c = fleetCost(profile, usage, prices, 100_000, opts);
    // 1.788e9 messages: 1e9 × $1/M + 0.788e9 × $0.80/M = $1,000 + $630.40
    expect(c.usage.apiGatewayMessages).toBe(1.788e9);
    expect(c.fleetByService.apiGatewayMessages).toBeCloseTo(1630.4, 6);
    expect(c.perChargePointByService.apiGatewayMessages).toBeCloseTo(0.016304, 12);
    // Everything else is flat-priced here: per charge point as for one.
    expect(c.perChargePointUsdPerMonth).toBeCloseTo(0.055437151202 - 0.01788 + 0.016304, 10);
  });

  it('priceUsage is zero for zero usage', () => {
    const zero = priceUsage({ apiGatewayMessages: 0, apiGatewayConnectionMinutes: 0, lambdaRequests: 0, lambdaDuration: 0, dynamoWrites: 0, dynamoReads: 0, dynamoStorage: 0, stepFunctions: 0, cloudWatchLogs: 0, httpApi: 0 }, prices);
    expect(Object.values(zero).every((v) => v === 0)).toBe(true);
  });
});

describe('price file', () => {
  const file: PriceFile = {
    region: 'us-east-1', takenOn: '2026-01-01',
    apiGatewayWebSocket: { messagesPerMillion: [{ upToMillions: 1000, usd: 1 }, { usd: 0.8 }], connectionMinutesPerMillion: 0.25, messageIncrementKB: 32 },
    lambdaArm64: { requestsPerMillion: 0.2, gbSecond: [{ upToGbSeconds: 7.5e9, usd: 0.0000133334 }, { usd: 0.0000120001 }] },
    dynamoDbOnDemand: { writeRequestUnitsPerMillion: 0.625, readRequestUnitsPerMillion: 0.125, storageGbMonth: 0.25 },
    stepFunctionsStandard: { stateTransitionsPerThousand: 0.025 },
    cloudWatchLogs: { ingestedGb: [{ upToGb: 10_000, usd: 0.5 }, { usd: 0.25 }] },
    httpApi: { requestsPerMillion: [{ upToMillions: 300, usd: 1 }, { usd: 0.9 }] },
  };

  it('converts published units (per million, per thousand) to per-unit prices', () => {
    const u = unitPrices(file);
    expect(u.gatewayMessage.map((t) => t.upTo)).toEqual([1e9, undefined]);
    expect(u.gatewayMessage[0].usd).toBeCloseTo(1e-6, 18);
    expect(u.gatewayMessage[1].usd).toBeCloseTo(0.8e-6, 18);
    expect(u.gatewayConnectionMinute[0].usd).toBeCloseTo(0.25e-6, 18);
    expect(u.messageIncrementBytes).toBe(32_768);
    expect(u.lambdaRequest[0].usd).toBeCloseTo(0.2e-6, 18);
    expect(u.lambdaGbSecond).toEqual([{ upTo: 7.5e9, usd: 0.0000133334 }, { upTo: undefined, usd: 0.0000120001 }]);
    expect(u.dynamoWriteUnit[0].usd).toBeCloseTo(0.625e-6, 18);
    expect(u.dynamoReadUnit[0].usd).toBeCloseTo(0.125e-6, 18);
    expect(u.stepFunctionsTransition[0].usd).toBeCloseTo(0.000025, 15);
    expect(u.httpApiRequest[1].upTo).toBeUndefined();
    expect(u.httpApiRequest[1].usd).toBeCloseTo(0.9e-6, 18);
  });

  it('bench/prices.json is complete, dated and sourced', () => {
    const real = JSON.parse(readFileSync(join(__dirname, '..', '..', 'bench', 'prices.json'), 'utf8'));
    expect(real.region).toBe('us-east-1');
    expect(real.takenOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    for (const k of ['apiGatewayWebSocket', 'lambdaArm64', 'dynamoDbOnDemand', 'stepFunctionsStandard', 'cloudWatchLogs', 'httpApi']) {
      expect(real.sources[k].length).toBeGreaterThan(0);
    }
    const u = unitPrices(real);
    for (const tiers of [u.gatewayMessage, u.gatewayConnectionMinute, u.lambdaRequest, u.lambdaGbSecond, u.dynamoWriteUnit, u.dynamoReadUnit, u.dynamoStorageGbMonth, u.stepFunctionsTransition, u.logsIngestedGb, u.httpApiRequest]) {
      expect(tiers.length).toBeGreaterThan(0);
      for (const t of tiers) expect(t.usd).toBeGreaterThan(0);
    }
  });
});

describe('the full bill: PITR, GSI writes, access logs, CloudFront, fixed costs apart', () => {
  it('derives GSI write amplification from the table definitions', () => {
    // Transactions today: 3 GSIs projected ALL → a write that every index holds costs 4 units.
    const transactions = TABLE_LIST.find((t) => t.name === 'Transactions')!;
    expect(gsiWriteFactor(transactions)).toBe(1 + transactions.indexes!.length);
    expect(gsiWriteFactor({ name: 'X' })).toBe(1);
    // Half the items in the indexes (sparse): 1 + 3 × 0.5.
    expect(gsiWriteFactor({ name: 'T', indexes: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] }, 1, 0.5)).toBe(2.5);
    // A 3 KB item: an ALL index costs 3 units, a KEYS_ONLY one 1: (3 + 1) / 3 extra per base unit.
    expect(gsiWriteFactor({ name: 'T', indexes: [{ name: 'a' }, { name: 'b', projection: 'KEYS_ONLY' }] }, 3)).toBeCloseTo(1 + 4 / 3);
    // 1,000 WRU on Transactions (3 ALL GSIs, all held) and 500 on a table without indexes: 3,000 extra.
    expect(gsiExtraWriteUnits({ Transactions: 1000, MeterValues: 500 }, TABLE_LIST)).toBe(1000 * transactions.indexes!.length);
  });

  it('adds the missing line items per charge point and reports the fixed ones apart', () => {
    const base = fleetCost(profile, usage, prices, 100, opts);
    const bill = fullBill(base, { connectsPerMonth: 360, bytesPerMonth: 50e6, accessLogLinesPerMonth: 20_000, accessLogLineBytes: 400, gsiWriteUnitsPerMonth: 1000 }, { alarms: 40, dashboards: 1, secrets: 1, customMetrics: 10 }, 0.625e-6);
    // PITR: storage per CP = 0.0665 GB (as above) × $0.20.
    expect(bill.perChargePoint.dynamoPitr).toBeCloseTo((base.usage.dynamoStorage / 100) * 0.2, 10);
    expect(bill.perChargePoint.dynamoGsiWrites).toBeCloseTo(1000 * 0.625e-6, 12);
    expect(bill.perChargePoint.apiGatewayAccessLogs).toBeCloseTo((20_000 * 400 / 1e9) * 0.5, 12); // 0.004
    expect(bill.perChargePoint.cloudFrontRequests).toBeCloseTo(360 * 1e-6, 12);
    expect(bill.perChargePoint.cloudFrontData).toBeCloseTo(0.05 * 0.085, 12);
    // Fixed: 40 × 0.10 + 3 + 0.40 + 10 × 0.30 = 10.40, not spread over the charge points.
    expect(bill.fixedUsd).toBeCloseTo(10.4, 10);
    expect(bill.fleetUsdPerMonth).toBeCloseTo(bill.perChargePointUsd * 100 + 10.4, 8);
    expect(bill.perChargePointUsd).toBeCloseTo(base.perChargePointUsdPerMonth + bill.perChargePoint.dynamoPitr + bill.perChargePoint.dynamoGsiWrites + 0.004 + 360e-6 + 0.05 * 0.085, 10);
    expect(fullBill(base, { connectsPerMonth: 360, bytesPerMonth: 0, accessLogLinesPerMonth: 0, accessLogLineBytes: 0, gsiWriteUnitsPerMonth: 0 }, { alarms: 0, dashboards: 0, secrets: 0, customMetrics: 0, webAcl: true, webAclRules: 1 }, 0.625e-6).fixed.webAcl).toBe(6);
  });
});
