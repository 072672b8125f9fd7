import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { TABLE_LIST } from '../../shared/store/tables';

/**
 * The workflow convention, free of CDK so the local Step Functions runner can apply the same one:
 *
 *  - every `infra/workflows/<name>.asl.json` is one state machine (JSONPath ASL);
 *  - its ARN reaches every Lambda as `<NAME>_STATE_MACHINE_ARN` (`firmware-update.asl.json` →
 *    `FIRMWARE_UPDATE_STATE_MACHINE_ARN`);
 *  - placeholders in the ASL are CloudFormation DefinitionSubstitutions:
 *      `${Fn_<Name>}`     → the ARN of the Lambda built from `functions/workflows/<Name>.ts`
 *                            (e.g. `"FunctionName": "${Fn_SendFirmwareUpdate}"`)
 *      `${Table_<Table>}` → the name of a table of shared/store/tables.ts by its logical name
 *                            (e.g. `"TableName": "${Table_Jobs}"` for a direct DynamoDB task)
 *    any other `${...}` is an error at synth.
 */
/** Repository-relative paths use '/' on every platform (they also name CDK entries). */
export const WORKFLOWS_DIR = posix.join('infra', 'workflows');
export const WORKFLOW_FUNCTIONS_DIR = posix.join('functions', 'workflows');

export interface WorkflowFile {
  /** File name without `.asl.json`, e.g. `firmware-update`. */
  name: string;
  /** Path relative to the repository root. */
  path: string;
  envVar: string;
  definition: string;
  /** Function names (`<Name>` of `${Fn_<Name>}`) the definition invokes. */
  functions: string[];
  /** Logical table names (`<Table>` of `${Table_<Table>}`). */
  tables: string[];
  /** The definition runs a Distributed Map (child executions of itself). */
  distributedMap: boolean;
}

export const stateMachineEnvVar = (name: string): string => `${name.replace(/[^A-Za-z0-9]+/g, '_').replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()}_STATE_MACHINE_ARN`;

export const workflowFunctionEntry = (name: string): string => posix.join(WORKFLOW_FUNCTIONS_DIR, `${name}.ts`);

/** The substitution placeholders a definition uses, with a clear error for any unknown one. */
export function parseDefinition(path: string, definition: string): Pick<WorkflowFile, 'functions' | 'tables' | 'distributedMap'> {
  try {
    JSON.parse(definition);
  } catch (e) {
    throw new Error(`${path} is not valid JSON: ${(e as Error).message}`);
  }
  const functions = new Set<string>();
  const tables = new Set<string>();
  const tableNames = new Set(TABLE_LIST.map((t) => t.name));
  for (const [, key] of definition.matchAll(/\$\{([^}]*)\}/g)) {
    const fn = /^Fn_([A-Za-z0-9-]+)$/.exec(key);
    const table = /^Table_([A-Za-z0-9]+)$/.exec(key);
    if (fn) functions.add(fn[1]);
    else if (table && tableNames.has(table[1])) tables.add(table[1]);
    else throw new Error(`${path}: unknown placeholder \${${key}} — use \${Fn_<Name>} for functions/workflows/<Name>.ts or \${Table_<Table>} with a table of shared/store/tables.ts (${[...tableNames].join(', ')})`);
  }
  return { functions: [...functions].sort(), tables: [...tables].sort(), distributedMap: /"Mode"\s*:\s*"DISTRIBUTED"/.test(definition) };
}

/** All workflow files, sorted; none when the folder does not exist yet. */
export function listWorkflowFiles(root: string): WorkflowFile[] {
  const dir = join(root, WORKFLOWS_DIR);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.asl.json'))
    .sort()
    .map((file) => {
      const name = file.slice(0, -'.asl.json'.length);
      const path = posix.join(WORKFLOWS_DIR, file);
      const definition = readFileSync(join(root, path), 'utf8');
      return { name, path, envVar: stateMachineEnvVar(name), definition, ...parseDefinition(path, definition) };
    });
}
