// Writes shared/soap/models.json from the official OCPP 1.6 WSDLs in shared/soap/wsdl (docs/soap.md).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildModel, WSDL_FILES } from '../../shared/soap/model';

const dir = join(__dirname, '..', '..', 'shared', 'soap');
export const soapModels = () => ({
  cs: buildModel(readFileSync(join(dir, 'wsdl', WSDL_FILES.cs), 'utf8')),
  cp: buildModel(readFileSync(join(dir, 'wsdl', WSDL_FILES.cp), 'utf8')),
});
if (require.main === module) writeFileSync(join(dir, 'models.json'), `${JSON.stringify(soapModels(), null, 1)}\n`);
