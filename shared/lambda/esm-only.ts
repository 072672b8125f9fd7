import * as nodeModule from 'node:module';

/**
 * middy (v5 and later) ships ES modules only: its package.json exports just the `import`
 * condition, so a CommonJS `require('@middy/core')` — what tsx makes of our TypeScript in this
 * CommonJS project (`npm start`, the CLI, the bench) — cannot resolve it, although Node 22 can
 * `require()` the module itself (no top-level await). This hook resolves `@middy/*` with the
 * `import` condition for such requires. Nothing else changes resolution.
 *
 * Bundles (esbuild resolves `import` natively, infra/constructs/csms-function.ts) and jest
 * (moduleNameMapper + ts-jest, jest.config.js) never need it; inside AWS Lambda it is skipped.
 * See docs/architecture.md, "ES-module-only packages".
 */
const registerHooks = (nodeModule as { registerHooks?: (hooks: unknown) => unknown }).registerHooks;
if (typeof registerHooks === 'function' && !process.env.AWS_LAMBDA_FUNCTION_NAME && !process.env.JEST_WORKER_ID) {
  registerHooks({
    resolve(specifier: string, context: { conditions?: string[] }, next: (s: string, c?: unknown) => unknown) {
      if (specifier.startsWith('@middy/') && !context.conditions?.includes('import')) {
        return next(specifier, { ...context, conditions: [...(context.conditions ?? []), 'import'] });
      }
      return next(specifier, context);
    },
  });
}
