import { BatchWriteCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { db } from '../aws';
import { tableName } from '../store/tables';

/**
 * The DER control state of a charge point as the CSMS knows it (OCPP 2.1 R: DER control), kept in
 * the MeterValues table under series `<cp>#der`:
 * - `ctl#<controlId>`: a control setting the station holds — from an Accepted SetDERControl (what
 *   was sent) or from a ReportDERControl (what the station says it has, which wins); deleted by an
 *   Accepted ClearDERControl and when a SetDERControl / NotifyDERStartStop names it superseded;
 *   `started` / `startedAt` / `stoppedAt` follow NotifyDERStartStop;
 * - `alarm#<controlType>#<gridEventFault or ->`: the last NotifyDERAlarm of that kind (`active`
 *   until one with alarmEnded=true); an older alarm than the one stored does not overwrite it.
 * Every write is keyed by what it is about, so a retried message or answer changes nothing more.
 */
export interface DerControl {
  controlId: string;
  controlType: string;
  isDefault: boolean;
  /** The type-specific setting (curve, fixedPF, freqDroop, limitMaxDischarge, ...), as sent or reported. */
  setting: Record<string, unknown>;
  source: 'SetDERControl' | 'ReportDERControl';
  isSuperseded?: boolean;
  updatedAt: string;
  started?: boolean;
  startedAt?: string;
  stoppedAt?: string;
}
export interface DerAlarm {
  controlType: string;
  gridEventFault?: string;
  active: boolean;
  timestamp: string;
  extraInfo?: string;
}

const series = (cp: string) => `${cp}#der`;
const ctlKey = (id: string) => `ctl#${id}`;
const alarmKey = (type: string, fault?: string) => `alarm#${type}#${fault ?? '-'}`;
const table = () => tableName('meterValues');
const ignoreMissing = (e: unknown) => {
  if ((e as { name?: string })?.name !== 'ConditionalCheckFailedException') throw e;
};

export async function putControl(cp: string, c: DerControl): Promise<void> {
  await db().send(new PutCommand({ TableName: table(), Item: { seriesId: series(cp), sampleKey: ctlKey(c.controlId), chargePointId: cp, ...c } }));
}

export async function deleteControls(cp: string, controlIds: string[]): Promise<void> {
  for (let i = 0; i < controlIds.length; i += 25) {
    const batch = [...new Set(controlIds.slice(i, i + 25))];
    let requests = batch.map((id) => ({ DeleteRequest: { Key: { seriesId: series(cp), sampleKey: ctlKey(id) } } }));
    while (requests.length) {
      const out = await db().send(new BatchWriteCommand({ RequestItems: { [table()]: requests } }));
      requests = (out.UnprocessedItems?.[table()] ?? []) as typeof requests;
    }
  }
}

export async function markStartStop(cp: string, controlId: string, started: boolean, at: string): Promise<void> {
  await db().send(new UpdateCommand({
    TableName: table(), Key: { seriesId: series(cp), sampleKey: ctlKey(controlId) },
    UpdateExpression: started ? 'SET started = :s, startedAt = :at REMOVE stoppedAt' : 'SET started = :s, stoppedAt = :at',
    ConditionExpression: 'attribute_exists(sampleKey)', ExpressionAttributeValues: { ':s': started, ':at': at },
  })).catch(ignoreMissing);
}

export async function putAlarm(cp: string, a: { controlType: string; gridEventFault?: string; alarmEnded?: boolean; timestamp: string; extraInfo?: string }): Promise<void> {
  const item: DerAlarm & Record<string, unknown> = {
    seriesId: series(cp), sampleKey: alarmKey(a.controlType, a.gridEventFault), chargePointId: cp, controlType: a.controlType,
    ...(a.gridEventFault && { gridEventFault: a.gridEventFault }), active: !a.alarmEnded, timestamp: a.timestamp, ...(a.extraInfo && { extraInfo: a.extraInfo }),
  };
  // An alarm older than the stored one (epoch millis, whatever the timestamp's notation) is dropped.
  const ms = Date.parse(a.timestamp);
  await db().send(new PutCommand({
    TableName: table(), Item: { ...item, tsMs: ms },
    ConditionExpression: 'attribute_not_exists(sampleKey) OR tsMs <= :ms', ExpressionAttributeValues: { ':ms': ms },
  })).catch(ignoreMissing);
}

export async function readDer(cp: string): Promise<{ controls: DerControl[]; alarms: DerAlarm[] }> {
  const items: Array<Record<string, unknown>> = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const out = await db().send(new QueryCommand({ TableName: table(), KeyConditionExpression: 'seriesId = :s', ExpressionAttributeValues: { ':s': series(cp) }, ExclusiveStartKey: startKey }));
    items.push(...(out.Items ?? []));
    startKey = out.LastEvaluatedKey;
  } while (startKey);
  const strip = ({ seriesId: _s, sampleKey: _k, chargePointId: _c, tsMs: _t, ...rest }: Record<string, unknown>) => rest;
  return {
    controls: items.filter((i) => String(i.sampleKey).startsWith('ctl#')).map(strip) as unknown as DerControl[],
    alarms: items.filter((i) => String(i.sampleKey).startsWith('alarm#')).map(strip) as unknown as DerAlarm[],
  };
}
