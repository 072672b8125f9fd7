import { join } from 'node:path';

/**
 * Modules replaced in every Lambda bundle (esbuild `alias`), shared by the CDK functions and the
 * bench's bundle measurement so both build the same thing.
 */
export const LAMBDA_ALIASES: Record<string, string> = {
  '@aws-sdk/credential-provider-node': join(__dirname, 'credentials-from-env.ts'),
  '@smithy/core/event-streams': join(__dirname, 'no-event-streams.ts'),
};
