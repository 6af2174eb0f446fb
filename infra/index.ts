/**
 * The CDK surface of the project: what another team's CDK app imports to put its own Lambdas (in any language)
 * behind the WeChat session authorizer. README "Protecting your own Lambda" and docs/caller-contract.md are the
 * user guide.
 *
 * @example
 * import { WeChatLoginApi } from '<this repo>/infra/index.js';
 * const login = WeChatLoginApi.fromStackName(this, 'Login', { stackName: 'WeChatMiniProgramLogin' });
 * login.addProtectedRoute({ method: 'GET', path: '/orders', handler: listOrders });
 */
export type { ThrottleLimits } from '../functions/shared/contract/throttles.js';
export { stageThrottles } from '../functions/shared/contract/throttles.js';
export { ImportedWeChatLoginApi } from './constructs/imported-login-api.js';
export type {
  IWeChatLoginApi,
  ProtectedRouteOptions,
  WeChatLoginApiAttributes,
} from './constructs/protected-route.js';
export type { FromStackNameOptions } from './constructs/wechat-login-api.js';
export { WeChatLoginApi } from './constructs/wechat-login-api.js';
export type { WeChatLoginApiProps } from './constructs/wechat-login-api-props.js';
export { exportedOutputNames, exportedParameterNames } from './exported-names.js';
export type { WeChatLoginStackProps } from './stack.js';
export { WeChatLoginStack } from './stack.js';
export { ValidationError } from './validation-error.js';
