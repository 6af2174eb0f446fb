import { App } from 'aws-cdk-lib';
import { OrdersStack } from './orders-stack.js';

/**
 * The orders team's own CDK app (`cd examples/orders && npx cdk deploy`), deployed after the login stack. Context:
 * `loginStackName` (default WeChatMiniProgramLogin) names the login stack whose SSM parameters give the API and
 * authorizer ids; `stackName` names this one (default WeChatLoginOrders).
 */
const app = new App();
const text = (key: string): string | undefined => {
  const value: unknown = app.node.tryGetContext(key);
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
};
new OrdersStack(app, text('stackName') ?? 'WeChatLoginOrders', {
  loginStackName: text('loginStackName') ?? 'WeChatMiniProgramLogin',
});
app.synth();
