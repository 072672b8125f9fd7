import { BootNotification } from '../provisioning/boot-notification';
import { Heartbeat } from '../provisioning/heartbeat';
import { StatusNotification } from '../provisioning/status-notification';
import { NotifyCustomerInformation, NotifyDisplayMessages, NotifyMonitoringReport, NotifyReport } from '../provisioning/reports';
import { NotifyEvent, SecurityEventNotification } from '../monitoring/events';
import { NotifyEVChargingSchedule, PublishFirmwareStatusNotification } from '../monitoring/notifications';
import { Authorize } from '../authorization/authorize-action';
import { StartTransaction, StopTransaction } from '../transactions/actions-16';
import { TransactionEvent } from '../transactions/transaction-event';
import { MeterValues } from '../metering/meter-values-action';
import { DataTransfer } from '../data-transfer/data-transfer-action';
import { ClearedChargingLimit, NotifyChargingLimit, NotifyEVChargingNeeds, ReportChargingProfiles } from '../smart-charging/station';
import { FirmwareStatusNotification, SignedFirmwareStatusNotification } from '../firmware/notification';
import { DiagnosticsStatusNotification, LogStatusNotification } from '../diagnostics/notification';
import { ReservationStatusUpdate } from '../reservations/status-update';
import { ClosePeriodicEventStream, NotifyPeriodicEventStream, OpenPeriodicEventStream } from '../periodic-streams/actions';
import { NotifyAllowedEnergyTransfer, NotifyDERAlarm, NotifyDERStartStop, ReportDERControl } from '../der/station';
import { BatterySwap, NotifyPriorityCharging, NotifySettlement, NotifyWebPaymentStarted, PullDynamicScheduleUpdate, VatNumberValidation } from '../ocpp21/station';
import { GetCertificateChainStatus } from '../security/chain-status';
import { SignCertificate } from '../certificates/sign-certificate';
import type { ActionHandlers } from './context';

/**
 * The route table: every charge-point-initiated action and its implementation per OCPP generation.
 * The CDK stack makes one WebSocket route + Lambda (functions/ocpp/<Action>.ts) per entry, the
 * router dispatches from it in `routing=dispatcher` mode, and a test checks that every entry has
 * its Lambda entry file and vice versa.
 */
export const ROUTES: Record<string, ActionHandlers> = {
  BootNotification,
  Heartbeat,
  StatusNotification,
  Authorize,
  StartTransaction,
  StopTransaction,
  TransactionEvent,
  MeterValues,
  DataTransfer,
  NotifyReport,
  NotifyEvent,
  SecurityEventNotification,
  ReportChargingProfiles,
  NotifyChargingLimit,
  ClearedChargingLimit,
  NotifyEVChargingNeeds,
  FirmwareStatusNotification,
  SignedFirmwareStatusNotification,
  DiagnosticsStatusNotification,
  LogStatusNotification,
  ReservationStatusUpdate,
  NotifyMonitoringReport,
  NotifyCustomerInformation,
  NotifyDisplayMessages,
  PublishFirmwareStatusNotification,
  NotifyEVChargingSchedule,
  OpenPeriodicEventStream,
  NotifyPeriodicEventStream,
  ClosePeriodicEventStream,
  NotifyAllowedEnergyTransfer,
  NotifyDERAlarm,
  NotifyDERStartStop,
  ReportDERControl,
  BatterySwap,
  VatNumberValidation,
  NotifyWebPaymentStarted,
  NotifySettlement,
  NotifyPriorityCharging,
  PullDynamicScheduleUpdate,
  GetCertificateChainStatus,
  SignCertificate,
};

export const handlersFor = (action: string): ActionHandlers | undefined => (Object.hasOwn(ROUTES, action) ? ROUTES[action] : undefined);

/**
 * Actions a station sends rarely (a few times a day at most): in the cloud they get no WebSocket
 * route and Lambda of their own and are answered by `$default` (the router runs the same handlers
 * from this table). Each own route costs about 9 CloudFormation resources and a stack holds 500;
 * the frequent actions keep theirs (cold starts and per-function grants matter there). The local
 * runtime routes them the same way.
 */
export const SHARED_ROUTE_ACTIONS: ReadonlySet<string> = new Set([
  'SignedFirmwareStatusNotification',
  'PublishFirmwareStatusNotification',
  'ReservationStatusUpdate',
  'NotifyMonitoringReport',
  'NotifyCustomerInformation',
  'NotifyDisplayMessages',
  'NotifyEVChargingSchedule',
  'ClearedChargingLimit',
  'OpenPeriodicEventStream',
  'ClosePeriodicEventStream',
  // OCPP 2.1, event-like and rare.
  'NotifyAllowedEnergyTransfer',
  'NotifyDERAlarm',
  'NotifyDERStartStop',
  'ReportDERControl',
  'BatterySwap',
  'VatNumberValidation',
  'NotifyWebPaymentStarted',
  'NotifySettlement',
  'NotifyPriorityCharging',
  'PullDynamicScheduleUpdate',
  'GetCertificateChainStatus',
  // Security: a few times a year per station (certificate renewal).
  'SignCertificate',
]);

/** The actions with a route of their own in routing=routes (the rest go to `$default`). */
export const ownRouteActions = (): string[] => Object.keys(ROUTES).filter((a) => !SHARED_ROUTE_ACTIONS.has(a));
