/**
 * Stands in for `@aws-sdk/credential-provider-node` in the Lambda bundles (an esbuild alias set by
 * CsmsFunction and mirrored by the bench). In Lambda the runtime puts the function role's
 * credentials in the environment, so the SDK's default chain (SSO, STS web identity, IMDS, INI
 * files…) is never consulted there, yet it is ~130 kB of every bundle and part of every cold start.
 * Locally and in tests the real default chain is used.
 */
import { fromEnv } from '@aws-sdk/credential-provider-env';

export const defaultProvider = (init?: Parameters<typeof fromEnv>[0]) => fromEnv(init);
