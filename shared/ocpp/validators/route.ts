import { failureOf, noSchema, type ActionValidators, type CallValidation } from './index';

/**
 * A route Lambda's validation: the generated validators of its one action. The action is known to
 * a version exactly when that version's schema set has it, i.e. when a validator was generated for
 * that version (so no table of action names is bundled). Any other action has no schema here (a
 * route Lambda only ever gets its own action), as in the runtime path.
 */
export function generatedValidation(action: string, validators: ActionValidators): CallValidation {
  return {
    isKnownAction: (version, a) => a === action && validators[version] !== undefined,
    check(version, a, kind, payload) {
      const fn = a === action ? validators[version]?.[kind] : undefined;
      return fn ? failureOf(fn, payload) : noSchema(version, a, kind);
    },
  };
}
