import { BatchWriteCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { db } from '../aws';
import { setAttributesExpression } from './expressions';
import { tableName } from './tables';

/**
 * The CSMS's view of a charge point's settings: 1.6 configuration keys (variableKey = the key)
 * and 2.0.1 component variables (variableKey = component[evse.connector][;instance]/variable[;instance]/attribute).
 */
export interface DeviceVariable {
  variableKey: string;
  value?: string;
  readonly?: boolean;
  /** 2.0.1 detail: component, evse, variable, attributeType, characteristics… */
  [extra: string]: unknown;
  reportedAt: string;
}

export async function putVariables(chargePointId: string, vars: DeviceVariable[]): Promise<void> {
  for (let i = 0; i < vars.length; i += 25) {
    let requests = vars.slice(i, i + 25).map((v) => ({ PutRequest: { Item: { chargePointId, ...v } } }));
    // BatchWrite may leave items unprocessed under throttling: retry them with a short backoff.
    for (let attempt = 0; requests.length && attempt < 8; attempt++) {
      const out = await db().send(new BatchWriteCommand({ RequestItems: { [tableName('deviceModel')]: requests } }));
      requests = (out.UnprocessedItems?.[tableName('deviceModel')] ?? []) as typeof requests;
      if (requests.length) await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
    }
  }
}

export async function listVariables(chargePointId: string): Promise<DeviceVariable[]> {
  const items: DeviceVariable[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const out = await db().send(new QueryCommand({
      TableName: tableName('deviceModel'),
      KeyConditionExpression: 'chargePointId = :cp',
      ExpressionAttributeValues: { ':cp': chargePointId },
      ExclusiveStartKey: startKey,
    }));
    for (const it of out.Items ?? []) {
      const { chargePointId: _cp, ...rest } = it;
      items.push(rest as DeviceVariable);
    }
    startKey = out.LastEvaluatedKey;
  } while (startKey);
  return items;
}

/**
 * Updates some fields of variables, keeping the rest of each item (e.g. a GetVariables value must
 * not erase the mutability and characteristics that NotifyReport recorded). One write per variable:
 * used for the few variables a Get/Set/ChangeConfiguration touches, not for whole reports.
 */
export async function mergeVariables(chargePointId: string, vars: DeviceVariable[]): Promise<void> {
  await Promise.all(vars.map(({ variableKey, ...fields }) => {
    const set = setAttributesExpression(fields);
    return set && db().send(new UpdateCommand({ TableName: tableName('deviceModel'), Key: { chargePointId, variableKey }, ...set }));
  }));
}
