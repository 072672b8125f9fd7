/**
 * The read side of smart charging, shared by the operator API (shared/api/routes/smart-charging.ts)
 * and the composite-schedule Lambda: answers as { status, body } in the operator API's terms
 * (docs/operator-api.md; errors as { error, message }).
 */
import { getChargePoint } from '../store/charge-points';
import {
  getCompositeReport,
  getProfilesReport,
  listChargingNeeds,
  listLimitItems,
  type ProfileItem,
} from '../store/charging-profiles';
import { compareProfiles } from './compare';
import { computeCompositeSchedule } from './composite';
import { engineProfile } from './feed';
import { InputError, parseChargePointParams, parseStatelessRequest, type ChargePointCompositeParams } from './inputs';
import { compositeFromModel, loadModel, profileView } from './model';
import { purposeOf } from './requests';
import { CompositeScheduleError, type InstalledProfile201 } from './types';

export interface Outcome {
  status: number;
  body: Record<string, unknown>;
}

const bad = (message: string): Outcome => ({ status: 400, body: { error: 'BadRequest', message } });
const notFound = (message: string): Outcome => ({ status: 404, body: { error: 'NotFound', message } });

function failure(e: unknown): Outcome {
  if (e instanceof InputError || e instanceof CompositeScheduleError) return bad(e.message);
  throw e;
}

/** POST /api/composite-schedule: the composite of the given profiles, nothing stored. */
export function statelessComposite(body: unknown): Outcome {
  try {
    return { status: 200, body: { ...computeCompositeSchedule(parseStatelessRequest(body)) } };
  } catch (e) {
    return failure(e);
  }
}

/** The request's start, or now to the second. */
const nowIso = () => new Date(Math.floor(Date.now() / 1000) * 1000).toISOString();

/**
 * GET /api/charge-points/{id}/composite-schedule: the composite over the profiles the
 * CSMS has recorded for that charge point. With compare=true: the last schedule the charge point
 * reported for that connector (GetCompositeSchedule) beside the CSMS's own for the same window.
 */
export async function chargePointComposite(chargePointId: string, input: Record<string, unknown>, fromQueryString: boolean): Promise<Outcome> {
  let p: ChargePointCompositeParams;
  try {
    p = parseChargePointParams(input, fromQueryString, ['connectorId', 'evseId', 'start', 'duration', 'chargingRateUnit', 'compare', ...(fromQueryString ? [] : ['chargePointId'])]);
  } catch (e) {
    return failure(e);
  }
  if (p.compare) return reportedComposite(chargePointId, p.location);
  try {
    const result = await compositeFromModel(chargePointId, { location: p.location, start: p.start ?? nowIso(), duration: p.duration!, chargingRateUnit: p.chargingRateUnit });
    return result ? { status: 200, body: { ...result } } : notFound(`Charge point ${chargePointId} is not registered`);
  } catch (e) {
    return failure(e);
  }
}

async function reportedComposite(chargePointId: string, location: number): Promise<Outcome> {
  if (!(await getChargePoint(chargePointId))) return notFound(`Charge point ${chargePointId} is not registered`);
  const r = await getCompositeReport(chargePointId, location);
  if (!r) return notFound(`No composite schedule reported for connector/EVSE ${location} of ${chargePointId} yet: send GetCompositeSchedule first (POST /api/charge-points/${chargePointId}/calls/GetCompositeSchedule)`);
  return {
    status: 200,
    body: {
      [r.version === '1.6' ? 'connectorId' : 'evseId']: r.location,
      answeredAt: r.answeredAt,
      request: r.request,
      /** What the charge point answered, as it answered. */
      reported: r.response,
      /** The CSMS's composite for the same start, duration and unit, when the answer arrived. */
      chargingSchedule: r.csms,
      comparison: r.comparison,
    },
  };
}

/** GET /api/charge-points/{id}/charging-profiles: the CSMS's model, external limits and EV charging needs. */
export async function chargingProfiles(chargePointId: string, query: Record<string, string>): Promise<Outcome> {
  if (!(await getChargePoint(chargePointId))) return notFound(`Charge point ${chargePointId} is not registered`);
  let location: number | undefined;
  if (query.connectorId !== undefined || query.evseId !== undefined) {
    const raw = query.connectorId ?? query.evseId;
    if (!/^\d+$/.test(raw)) return bad('connectorId must be an integer ≥ 0');
    location = Number(raw);
  }
  const [items, limits, needs] = await Promise.all([loadModel(chargePointId), listLimitItems(chargePointId), listChargingNeeds(chargePointId)]);
  const strip = ({ chargePointId: _c, profileKey: _k, ...rest }: Record<string, unknown>) => rest;
  return {
    status: 200,
    body: {
      items: items.filter((i) => location === undefined || i.location === location).map(profileView),
      externalLimits: limits.map((l) => strip(l as unknown as Record<string, unknown>)),
      evChargingNeeds: needs.map(strip),
    },
  };
}

interface ProfileCriterion {
  chargingProfilePurpose?: string;
  stackLevel?: number;
  chargingProfileId?: number[];
  chargingLimitSource?: string[];
}

/** Does a model profile fall under a GetChargingProfiles request (2.0.1 K09)? */
function requested(item: ProfileItem, req: { evseId?: number; chargingProfile: ProfileCriterion }): boolean {
  const c = req.chargingProfile ?? {};
  if (c.chargingLimitSource && !c.chargingLimitSource.includes('CSO')) return false; // the CSMS sets CSO profiles only
  if (req.evseId !== undefined && item.location !== req.evseId) return false;
  if (c.chargingProfilePurpose !== undefined && purposeOf(item.purpose) !== purposeOf(c.chargingProfilePurpose)) return false;
  if (c.stackLevel !== undefined && item.stackLevel !== c.stackLevel) return false;
  if (c.chargingProfileId && !c.chargingProfileId.includes(item.chargingProfileId)) return false;
  return true;
}

/**
 * GET /api/charge-points/{id}/charging-profiles/reports/{requestId}: what the station reported
 * for a GetChargingProfiles (2.0.1 K09), and how it compares with the CSMS's model for the same
 * criteria. Profiles from other sources (EMS, SO, Other) are listed but not compared.
 */
export async function chargingProfilesReport(chargePointId: string, requestIdRaw: string): Promise<Outcome> {
  if (!/^-?\d+$/.test(requestIdRaw)) return bad('requestId must be an integer');
  if (!(await getChargePoint(chargePointId))) return notFound(`Charge point ${chargePointId} is not registered`);
  const requestId = Number(requestIdRaw);
  const { request, parts } = await getProfilesReport(chargePointId, requestId);
  if (!request && !parts.length) return notFound(`No GetChargingProfiles request ${requestId} known for ${chargePointId}: send one first (POST /api/charge-points/${chargePointId}/calls/GetChargingProfiles)`);
  const reported = parts.flatMap((part) => part.chargingProfile.map((chargingProfile) => ({ evseId: part.evseId, chargingLimitSource: part.chargingLimitSource, chargingProfile })));
  const complete = request?.status === 'NoProfiles' || parts.some((p) => !p.tbc);
  let comparison: unknown;
  if (request && complete) {
    const model = (await loadModel(chargePointId)).filter((i) => !i.pendingStart && i.version === '2.0.1' && requested(i, request.request as { evseId?: number; chargingProfile: ProfileCriterion }));
    const cso = reported.filter((r) => r.chargingLimitSource === 'CSO').map(({ evseId, chargingProfile }) => ({ evseId, chargingProfile }) as InstalledProfile201);
    comparison = compareProfiles(cso, model.map(engineProfile));
  }
  return {
    status: 200,
    body: {
      requestId,
      request: request?.request,
      status: request?.status,
      complete,
      reported,
      comparison,
    },
  };
}
