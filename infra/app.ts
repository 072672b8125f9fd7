#!/usr/bin/env node
// The CDK app: `npx cdk synth` / `npx cdk deploy` (cdk.json runs this file with tsx).
// Context options (routing, autoRegister, originSecret, destroyOnRemoval, ...) are described in
// infra/constructs/settings.ts and docs/deploy.md.
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CsmsStack } from './csms-stack';
import { settingsFromContext } from './constructs/settings';

const app = new App();
const stackName = String(app.node.tryGetContext('stackName') ?? 'Csms');
new CsmsStack(app, stackName, {
  settings: settingsFromContext(app.node),
  // Environment-agnostic on purpose: synth needs no credentials; deploy targets the CLI's account/region.
});
// cdk-nag 3.x is a policy validation plugin: unacknowledged AwsSolutions findings fail `cdk synth`.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
