/** Imports every module that registers DataTransfer vendor handlers. Add one line per vendor. */
import './csms-vendor';
