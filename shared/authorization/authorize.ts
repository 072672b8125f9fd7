import { getIdTags, type IdTagRecord } from '../store/id-tags';
import { lookupKeys, pickRegistration } from './matching';
import { findActiveInGroup, type TransactionRecord } from '../store/transactions';
import { authorizationSettings } from './settings';
import { groupKeyOf, tokenKey, type TokenRef } from './tokens';

/** Our verdict on a token, generation-neutral ('Unknown' is spelt Invalid for 1.6). */
export type AuthorizationStatus = 'Accepted' | 'Blocked' | 'Expired' | 'Invalid' | 'ConcurrentTx' | 'Unknown';

export interface Authorization {
  status: AuthorizationStatus;
  token: TokenRef;
  key: string;
  /** The key of the registration that answered it (the token's own, or the untyped registration of its value). */
  registrationKey?: string;
  /** The group it belongs to (its parent, or itself); absent for NoAuthorization. */
  groupKey?: string;
  /** The group as the operator wrote it (1.6 parentIdTag, 2.0.1 groupIdToken). */
  parentIdTag?: string;
  /** The tag's own expiry. */
  expiryDate?: string;
  /** Until when a station may keep this verdict in its cache: the expiry, capped by CSMS_AUTH_CACHE_EXPIRY_S. */
  validUntil?: string;
  /**
   * Concurrency is forbidden for this token's group and the verdict is Accepted so far: with
   * `concurrency: 'claim'` the caller must claim the group (shared/transactions/concurrency.ts)
   * and answer ConcurrentTx if it cannot.
   */
  exclusiveGroup?: boolean;
}

export interface AuthorizeOptions {
  now: Date;
  /** Starting a transaction (or asking whether one may start) checks ConcurrentTx; stopping does not. */
  purpose: 'start' | 'stop';
  /** Recognises the transaction being started, which must not count as a concurrent one (retries, 2.0.1 updates). */
  exclude?: (t: Pick<TransactionRecord, 'chargePointId' | 'transactionId'>) => boolean;
  /**
   * 'query' (default): ConcurrentTx from the activeByGroup index (Authorize: a read-only check).
   * 'claim': no query; `exclusiveGroup` tells the caller, which starts the transaction, to claim the group.
   */
  concurrency?: 'query' | 'claim';
}

/**
 * OCPP 1.6 §4.1/§4.8 and 2.0.1 C01/C06/C09/C10: the status of a token at read time, from the
 * registration that answers it (./matching.ts). One GetItem (a BatchGetItem of two keys for a
 * card-like 2.0.x type other than ISO14443);
 * the ConcurrentTx check adds one Query of the sparse active-group index, only when concurrency
 * is forbidden for the tag.
 */
export async function authorizeToken(token: TokenRef, opts: AuthorizeOptions): Promise<Authorization> {
  const key = tokenKey(token);
  // 2.0.1 NoAuthorization: the station was configured to charge without identification.
  if (token.type === 'NoAuthorization') return { status: 'Accepted', token, key };
  // The 1.6 schema allows an empty idTag; no tag can be stored under it (and DynamoDB refuses empty keys).
  if (!token.value) return { status: 'Unknown', token, key };
  const cardTypes = authorizationSettings.cardTokenTypes();
  const tag = pickRegistration(await getIdTags(lookupKeys(token, cardTypes)), token, cardTypes);
  if (!tag) return { status: 'Unknown', token, key };
  // The group is the registration's: a card is one group whichever type a station reports it as.
  const groupKey = groupKeyOf(tag.idTag, tag.parentIdTag);
  const base = { token, key, registrationKey: tag.idTag, groupKey, parentIdTag: tag.parentIdTag, expiryDate: tag.expiryDate, validUntil: validUntil(tag, opts.now) };
  const status = await statusOf(tag, groupKey, opts);
  if (status === 'Accepted' && opts.concurrency === 'claim' && concurrencyForbidden(tag, opts)) return { ...base, status, exclusiveGroup: true };
  return { ...base, status };
}

async function statusOf(tag: IdTagRecord, groupKey: string, opts: AuthorizeOptions): Promise<AuthorizationStatus> {
  if (tag.status !== 'Accepted') return tag.status;
  if (tag.expiryDate && Date.parse(tag.expiryDate) <= opts.now.getTime()) return 'Expired'; // expiry is checked at read time
  if (opts.concurrency !== 'claim' && concurrencyForbidden(tag, opts)) {
    const running = await findActiveInGroup(groupKey);
    const others = running.filter((t) => !opts.exclude?.(t));
    if (others.length) return 'ConcurrentTx';
  }
  return 'Accepted';
}

function concurrencyForbidden(tag: IdTagRecord, opts: AuthorizeOptions): boolean {
  return opts.purpose === 'start' && !(tag.allowConcurrentTx ?? authorizationSettings.allowConcurrentTx());
}

function validUntil(tag: IdTagRecord, now: Date): string | undefined {
  const ttl = authorizationSettings.cacheExpirySeconds();
  const cap = ttl === undefined ? undefined : now.getTime() + ttl * 1000;
  const expiry = tag.expiryDate ? Date.parse(tag.expiryDate) : undefined;
  const until = cap === undefined ? expiry : expiry === undefined ? cap : Math.min(cap, expiry);
  return until === undefined ? undefined : new Date(until).toISOString();
}
