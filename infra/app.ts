import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { addLoginStacks } from './login-app.js';

/**
 * The CDK app (cdk.json runs it). Environment-agnostic: `cdk synth` needs no AWS account or credentials, and
 * `cdk deploy` takes the account and region from the CLI's profile. cdk-nag's AwsSolutions pack validates every
 * synth, so an unacknowledged finding stops a deploy. With `-c frontDoor=true` the app also holds the front door's
 * WAF stack in us-east-1 (`cdk deploy --all` deploys both) and needs the region at synth.
 */
const app = new App();
addLoginStacks(app);
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
app.synth();
