/**
 * Where a deployed login stack publishes what other teams' stacks need to put routes behind its authorizer: SSM
 * String parameters under `/wechat-login/<stackName>/` (read at deploy time by `WeChatLoginApi.fromStackName`) and
 * CloudFormation outputs of the same values.
 */
const PARAMETER_ROOT = '/wechat-login';

interface ExportedParameterNames {
  readonly apiId: string;
  readonly authorizerId: string;
  readonly apiUrl: string;
}

/** The SSM parameter names a stack called `stackName` publishes. */
const exportedParameterNames = (stackName: string): ExportedParameterNames => ({
  apiId: `${PARAMETER_ROOT}/${stackName}/api-id`,
  authorizerId: `${PARAMETER_ROOT}/${stackName}/authorizer-id`,
  apiUrl: `${PARAMETER_ROOT}/${stackName}/api-url`,
});

/** The stack's CloudFormation output names, one per parameter. */
const exportedOutputNames = { apiId: 'ApiId', authorizerId: 'AuthorizerId', apiUrl: 'ApiUrl' } as const;

export type { ExportedParameterNames };
export { exportedOutputNames, exportedParameterNames };
