import type { CfnElement } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { synth } from '../../../support/synth.js';

const DOMAIN = {
  domainName: 'api.example.com',
  certificateArn: 'arn:aws:acm:ap-east-1:123456789012:certificate/0a1b2c3d-1234-5678-9abc-def012345678',
};

describe('the custom domain', () => {
  it('is absent by default: no domain, no mapping, the execute-api endpoint on', () => {
    const { template } = synth();
    template.resourceCountIs('AWS::ApiGatewayV2::DomainName', 0);
    template.resourceCountIs('AWS::ApiGatewayV2::ApiMapping', 0);
    const api = Object.values(template.findResources('AWS::ApiGatewayV2::Api'))[0]!;
    expect(api.Properties.DisableExecuteApiEndpoint).toBeUndefined();
  });

  it('maps the domain (regional, TLS 1.2, the given certificate) to the API’s stage and outputs the DNS target', () => {
    const { stack, template } = synth(DOMAIN);
    template.hasResourceProperties('AWS::ApiGatewayV2::DomainName', {
      DomainName: 'api.example.com',
      DomainNameConfigurations: [
        { CertificateArn: DOMAIN.certificateArn, EndpointType: 'REGIONAL', SecurityPolicy: 'TLS_1_2' },
      ],
    });
    const domainId = Object.keys(template.findResources('AWS::ApiGatewayV2::DomainName'))[0]!;
    // The stage name, with a dependency on the stage (CDK's ApiMapping), since `$default` is the API's only stage.
    expect(stack.api.stage.stageName).toBe('$default');
    template.hasResourceProperties('AWS::ApiGatewayV2::ApiMapping', {
      ApiId: { Ref: stack.getLogicalId(stack.api.httpApi.node.defaultChild as CfnElement) },
      DomainName: { Ref: domainId },
      Stage: '$default',
    });
    template.hasResource('AWS::ApiGatewayV2::ApiMapping', {
      DependsOn: [stack.getLogicalId(stack.api.stage.node.defaultChild as CfnElement)],
    });
    const outputs = template.toJSON().Outputs;
    expect(outputs.CustomDomainTarget.Value).toEqual({ 'Fn::GetAtt': [domainId, 'RegionalDomainName'] });
    expect(outputs.CustomDomainUrl.Value).toBe('https://api.example.com/');
  });

  it('switches the execute-api endpoint off only when asked', () => {
    const on = synth(DOMAIN).template.findResources('AWS::ApiGatewayV2::Api');
    expect(Object.values(on)[0]!.Properties.DisableExecuteApiEndpoint).toBeUndefined();
    const off = synth({ ...DOMAIN, disableExecuteApiEndpoint: true }).template.findResources('AWS::ApiGatewayV2::Api');
    expect(Object.values(off)[0]!.Properties.DisableExecuteApiEndpoint).toBe(true);
  });

  it.each([
    [{ disableExecuteApiEndpoint: true }, /disableExecuteApiEndpoint needs a custom domain/],
    [{ domainName: DOMAIN.domainName }, /domainName and certificateArn go together/],
    [{ certificateArn: DOMAIN.certificateArn }, /domainName and certificateArn go together/],
    [
      { ...DOMAIN, frontDoorWebAclArn: 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/x/0a1b' },
      /domainName cannot be combined with frontDoor/,
    ],
    [{ ...DOMAIN, domainName: 'not a host' }, /\[TestStack\/CustomDomain\] domainName must be/],
    [{ ...DOMAIN, certificateArn: 'arn:aws:iam::123456789012:server-certificate/x' }, /certificateArn must be/],
  ])('refuses %j', (props, message) => {
    expect(() => synth(props)).toThrow(message);
  });
});
