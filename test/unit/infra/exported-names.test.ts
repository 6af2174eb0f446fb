import { describe, expect, it } from 'vitest';
import { exportedParameterNames } from '../../../infra/exported-names.js';
import { resourcesOf, synth } from '../../support/synth.js';

describe('the ids the stack publishes for other stacks', () => {
  it('writes the API id, authorizer id and URL as SSM String parameters under /wechat-login/<stackName>/', () => {
    const { stack, template } = synth();
    const resources = resourcesOf(template);
    const parameters = Object.values(resources).filter((r) => r.Type === 'AWS::SSM::Parameter');
    const byName = Object.fromEntries(parameters.map((p) => [p.Properties!.Name as string, p.Properties!]));
    const names = exportedParameterNames('TestStack');
    expect(Object.keys(byName).sort()).toEqual(
      [
        '/wechat-login/TestStack/api-id',
        '/wechat-login/TestStack/api-url',
        '/wechat-login/TestStack/authorizer-id',
      ].sort()
    );
    const idOfType = (type: string) => Object.keys(resources).find((id) => resources[id]!.Type === type);
    expect(byName[names.apiId]).toMatchObject({ Type: 'String', Value: { Ref: idOfType('AWS::ApiGatewayV2::Api') } });
    expect(byName[names.authorizerId]).toMatchObject({
      Type: 'String',
      Value: { Ref: idOfType('AWS::ApiGatewayV2::Authorizer') },
    });
    expect(JSON.stringify(byName[names.apiUrl]!.Value)).toContain('.execute-api.');
    expect(stack.stackName).toBe('TestStack');
  });
});
