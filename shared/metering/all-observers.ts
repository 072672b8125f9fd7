/** Imports every module that observes stored meter values (./observers.ts). Add one line per module. */
import '../sites/hooks';
