import type { Authorization } from './authorize';
import { parseTokenName } from './tokens';

/** Our verdict in 1.6 words (§7.27 IdTagInfo). 1.6 has no "Unknown": an unknown tag is Invalid (§4.1). */
export function idTagInfo16(a: Authorization) {
  return {
    status: a.status === 'Unknown' ? 'Invalid' : a.status,
    expiryDate: a.validUntil,
    // parentIdTag is an IdToken (CiString20): a longer 2.0.1 group id cannot be said in 1.6.
    parentIdTag: a.parentIdTag && a.parentIdTag.length <= 20 ? a.parentIdTag : undefined,
  };
}

/** Our verdict in 2.0.1 words (IdTokenInfoType): cacheExpiryDateTime (C10), groupIdToken (C09). */
export function idTokenInfo201(a: Authorization) {
  const group = a.parentIdTag ? parseTokenName(a.parentIdTag) : undefined;
  return {
    status: a.status,
    cacheExpiryDateTime: a.validUntil,
    groupIdToken: group && group.value.length <= 36 ? { idToken: group.value, type: group.type } : undefined,
  };
}
