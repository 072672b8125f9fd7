import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LocalStepFunctions, substitutePlaceholders } from '../../infra/local/stepfunctions';
import { stateMachineEnvVar } from '../../shared/workflows/start';

// asl-validator ships with aws-local-stepfunctions (it validates with it too); no types of its own.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const aslValidator = require('asl-validator') as (definition: unknown, opts?: { checkArn?: boolean; checkPaths?: boolean }) => {
  isValid: boolean;
  errorsText: (sep?: string) => string;
};

const DIR = join(__dirname, '..', '..', 'infra', 'workflows');
const FUNCTIONS = join(__dirname, '..', '..', 'functions', 'workflows');
const files = readdirSync(DIR).filter((f) => f.endsWith('.asl.json')).sort();

type State = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
function allStates(states: Record<string, State>): Array<[string, State]> {
  return Object.entries(states).flatMap(([name, s]) => [
    [name, s] as [string, State],
    ...(s.ItemProcessor ? allStates(s.ItemProcessor.States) : []),
    ...(s.Iterator ? allStates(s.Iterator.States) : []),
    ...(s.Branches ?? []).flatMap((b: State) => allStates(b.States)),
  ]);
}

describe('workflow definitions (infra/workflows/*.asl.json)', () => {
  it('has the workflows the domain starts', () => {
    expect(files).toEqual(['certificate-signing.asl.json', 'diagnostics-upload.asl.json', 'firmware-update.asl.json', 'reservation-expiry.asl.json', 'transaction-check.asl.json']);
  });

  describe.each(files)('%s', (file) => {
    const text = readFileSync(join(DIR, file), 'utf8');
    const definition = JSON.parse(substitutePlaceholders(text, 'eu-west-1'));
    const states = allStates(definition.States);

    it('is valid Amazon States Language (asl-validator, ARNs and paths checked)', () => {
      const result = aslValidator(definition, { checkArn: true, checkPaths: true });
      expect(result.errorsText('\n')).toBe('');
      expect(result.isValid).toBe(true);
    });

    it('uses JSONPath only (JSONata is ignored by the local runner)', () => {
      expect(text).not.toMatch(/QueryLanguage|\{%/);
    });

    it('names a Lambda entry functions/workflows/<Name>.ts for every ${Fn_<Name>}', () => {
      const names = [...text.matchAll(/\$\{Fn_([A-Za-z0-9]+)\}/g)].map((m) => m[1]);
      expect(names.length).toBeGreaterThan(0);
      for (const n of names) expect(existsSync(join(FUNCTIONS, `${n}.ts`))).toBe(true);
      expect(text.replace(/\$\{Fn_[A-Za-z0-9]+\}/g, '')).not.toMatch(/\$\{/);
    });

    it('bounds every callback task and hands it its token', () => {
      for (const [name, s] of states.filter(([, x]) => x.Type === 'Task' && String(x.Resource).endsWith('.waitForTaskToken'))) {
        expect([name, JSON.stringify(s.Parameters)]).toEqual([name, expect.stringContaining('"taskToken.$":"$$.Task.Token"')]);
        expect([name, s.TimeoutSeconds ?? s.TimeoutSecondsPath]).toEqual([name, expect.anything()]);
      }
    });

    it('catches task failures with States.ALL or a named error, never States.TaskFailed (the local runner also routes timeouts there)', () => {
      expect(text).not.toContain('States.TaskFailed');
    });

    it('is accepted by the local runner', () => {
      const sfn = new LocalStepFunctions({ workflowsDir: join(__dirname, 'no-such-dir') });
      expect(sfn.load(file.replace('.asl.json', ''), text)).toMatch(/^arn:aws:states:/);
    });
  });

  it('gives each workflow the environment variable the stack sets', () => {
    const sfn = new LocalStepFunctions({ region: 'eu-west-1' });
    expect(Object.keys(sfn.environment()).sort()).toEqual(files.map((f) => stateMachineEnvVar(f.replace('.asl.json', ''))).sort());
    expect(stateMachineEnvVar('firmware-update')).toBe('FIRMWARE_UPDATE_STATE_MACHINE_ARN');
  });

  it('rejects a definition the stack could not deploy', () => {
    const sfn = new LocalStepFunctions({ workflowsDir: join(__dirname, 'no-such-dir') });
    expect(() => sfn.load('bad', JSON.stringify({ StartAt: 'Missing', States: { A: { Type: 'Pass', End: true } } }))).toThrow(/invalid/i);
    expect(() => sfn.load('bad', JSON.stringify({ StartAt: 'A', States: { A: { Type: 'Task', Resource: '${Fn_NoSuchFunction}', End: true } } }))).toThrow(/NoSuchFunction/);
    expect(() => sfn.load('bad', JSON.stringify({ StartAt: 'A', States: { A: { Type: 'Task', Resource: '${Bucket}', End: true } } }))).toThrow(/placeholder/);
  });
});
