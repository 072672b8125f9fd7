// Operator commands from the AWS console or other AWS services: { chargePointId, action, payload }.
import { runCommand } from '../shared/calls/command';

interface CommandEvent {
  chargePointId: string;
  action: string;
  payload?: unknown;
}

export const handler = async (event: CommandEvent) => {
  if (!event || typeof event.chargePointId !== 'string' || typeof event.action !== 'string') {
    return { status: 400, error: 'BadRequest', message: 'Expected { "chargePointId": string, "action": string, "payload": object }' };
  }
  const { status, body } = await runCommand(event.chargePointId, event.action, event.payload ?? {});
  return { status, ...body };
};
