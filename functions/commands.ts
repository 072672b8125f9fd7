// Operator commands from the AWS console or other AWS services: { chargePointId, action, payload }.
import { runCommand } from '../shared/calls/command';
import { lambda } from '../shared/lambda/middy';
import { setLogKeys } from '../shared/log';

interface CommandEvent {
  chargePointId: string;
  action: string;
  payload?: unknown;
}

export const handler = lambda('commands', async (event: CommandEvent) => {
  if (!event || typeof event.chargePointId !== 'string' || typeof event.action !== 'string') {
    return { status: 400, error: 'BadRequest', message: 'Expected { "chargePointId": string, "action": string, "payload": object }' };
  }
  setLogKeys({ chargePointId: event.chargePointId, action: event.action });
  const { status, body } = await runCommand(event.chargePointId, event.action, event.payload ?? {});
  return { status, ...body };
});
