import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { FrontDoorWebAcl, type FrontDoorWebAclProps } from './constructs/front-door-web-acl.js';

interface WeChatLoginFrontDoorWafStackProps extends StackProps, FrontDoorWebAclProps {}

/**
 * The companion stack of the front door: CloudFront only takes a WAF web ACL of scope CLOUDFRONT, and those exist only
 * in us-east-1, whatever the region of the API. The login stack reads the ACL's ARN through CDK's cross-region
 * references (an SSM parameter in us-east-1 read by a custom resource), so `cdk deploy --all` deploys this first.
 */
class WeChatLoginFrontDoorWafStack extends Stack {
  readonly webAcl: FrontDoorWebAcl;

  constructor(scope: Construct, id: string, props: WeChatLoginFrontDoorWafStackProps = {}) {
    super(scope, id, {
      description: 'WeChat mini program login: the WAF web ACL of the CloudFront front door (us-east-1)',
      ...props,
      env: { ...props.env, region: 'us-east-1' },
      crossRegionReferences: true,
    });
    this.webAcl = new FrontDoorWebAcl(this, 'FrontDoor', props);
  }
}

export type { WeChatLoginFrontDoorWafStackProps };
export { WeChatLoginFrontDoorWafStack };
