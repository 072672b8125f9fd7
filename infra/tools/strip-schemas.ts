// `npm run schemas`: regenerates shared/ocpp/schemas/*.json from the official OCA schemas bundled
// in ocpp-rpc, without documentation keywords. test/unit/schemas.test.ts fails if they drift.
// The script then runs generate-validators.ts (the route Lambdas' validators from these schemas).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stripDocs } from '../../shared/ocpp/schema-strip';

for (const name of ['ocpp1_6', 'ocpp2_0_1']) {
  const source = require(`ocpp-rpc/lib/schemas/${name}.json`); // eslint-disable-line @typescript-eslint/no-require-imports
  writeFileSync(join(__dirname, '../../shared/ocpp/schemas', `${name}.json`), JSON.stringify(stripDocs(source)) + '\n');
}
