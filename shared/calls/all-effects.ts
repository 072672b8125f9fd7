/**
 * Imports every module that registers call effects, so whichever Lambda receives an answer can
 * apply it. Add one line per domain module that calls registerEffect.
 */
import '../provisioning/configuration';
