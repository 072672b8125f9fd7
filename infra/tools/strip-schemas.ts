// `npm run schemas`: regenerates shared/ocpp/schemas/*.json from the official OCA schemas bundled
// in ocpp-rpc: 1.6 and 2.0.1 without documentation keywords; 2.1 copied byte for byte (its licence,
// CC BY-ND 4.0, allows no modified copies). test/unit/schemas.test.ts fails if they drift.
// The script then runs generate-validators.ts (the route Lambdas' validators from these schemas).
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stripDocs } from '../../shared/ocpp/schema-strip';

const DIR = join(__dirname, '../../shared/ocpp/schemas');
for (const name of ['ocpp1_6', 'ocpp2_0_1']) {
  const source = require(`ocpp-rpc/lib/schemas/${name}.json`); // eslint-disable-line @typescript-eslint/no-require-imports
  writeFileSync(join(DIR, `${name}.json`), JSON.stringify(stripDocs(source)) + '\n');
}
copyFileSync(require.resolve('ocpp-rpc/lib/schemas/ocpp2_1.json'), join(DIR, 'ocpp2_1.json'));
