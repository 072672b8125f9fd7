/**
 * Imports every module that registers call effects, so whichever Lambda receives an answer can
 * apply it. Add one line per domain module that calls registerEffect.
 */
import '../provisioning/configuration';
import '../certificates/effects';
import '../smart-charging/messages';
import '../availability/effects';
import '../remote/effects';
import '../remote/guards';
import '../provisioning/reports';
import '../provisioning/reset';
import '../ocpp/adapter-2.0-guard';
import '../reservations/effects';
import '../local-list/effects';
import '../transactions/reconcile';
import '../periodic-streams/effects';
import '../der/effects';
import '../security/effects';
import '../display-messages/effects';
