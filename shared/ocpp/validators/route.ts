import type { OcppVersion } from '../protocol';
import { failureOf, noSchema, type ActionValidators, type CallValidation } from './index';
import { ACTION_NAMES } from './names';

const knownActions: Partial<Record<OcppVersion, ReadonlySet<string>>> = {};
/** The action names of each version's schema set (generated ./names.ts), without loading the schemas. */
export function isKnownAction(version: OcppVersion, action: string): boolean {
  return (knownActions[version] ??= new Set(ACTION_NAMES[version])).has(action);
}

/**
 * A route Lambda's validation: the generated validators of its one action. Any other action has
 * no schema here (a route Lambda only ever gets its own action), as in the runtime path.
 */
export function generatedValidation(action: string, validators: ActionValidators): CallValidation {
  return {
    isKnownAction,
    check(version, a, kind, payload) {
      const fn = a === action ? validators[version]?.[kind] : undefined;
      return fn ? failureOf(fn, payload) : noSchema(version, a, kind);
    },
  };
}
