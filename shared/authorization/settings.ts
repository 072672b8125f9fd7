import { cardTokenTypes } from './matching';

/** Operator settings of the authorization block, from the environment (read on each call). */
export const authorizationSettings = {
  /**
   * CSMS_ALLOW_CONCURRENT_TX (default true): may a token (or another token of its group) start a
   * transaction while one of the group is running? false → ConcurrentTx. A tag's
   * `allowConcurrentTx` overrides it.
   */
  allowConcurrentTx: () => process.env.CSMS_ALLOW_CONCURRENT_TX !== 'false',
  /**
   * CSMS_AUTH_CACHE_EXPIRY_S: when set, how long a station may keep our verdict in its
   * authorization cache (1.6 idTagInfo.expiryDate, 2.0.1 idTokenInfo.cacheExpiryDateTime; C10).
   * Never later than the tag's own expiry.
   */
  cacheExpirySeconds: (): number | undefined => {
    const n = Number(process.env.CSMS_AUTH_CACHE_EXPIRY_S);
    return process.env.CSMS_AUTH_CACHE_EXPIRY_S && Number.isFinite(n) && n > 0 ? n : undefined;
  },
  /**
   * CSMS_CARD_TOKEN_TYPES (default `ISO14443,ISO15693,Local`): the 2.0.x token types an untyped
   * registration answers besides the 1.6 idTag (shared/authorization/matching.ts). ISO14443 always
   * counts; KeyCode and MacAddress may be added; Central, eMAID, NoAuthorization and unknown names
   * are ignored.
   */
  cardTokenTypes: () => cardTokenTypes(process.env.CSMS_CARD_TOKEN_TYPES),
};
