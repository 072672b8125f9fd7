import { BootNotification } from '../provisioning/boot-notification';
import { Heartbeat } from '../provisioning/heartbeat';
import { StatusNotification } from '../provisioning/status-notification';
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
};

export const handlersFor = (action: string): ActionHandlers | undefined => (Object.hasOwn(ROUTES, action) ? ROUTES[action] : undefined);
