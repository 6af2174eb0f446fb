import { Duration, type RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { CfnStage, HttpStage, IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  AllowedMethods,
  CachePolicy,
  Function as CloudFrontFunction,
  Distribution,
  FunctionCode,
  FunctionEventType,
  HttpVersion,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  OriginSslPolicy,
  PriceClass,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import {
  ORIGIN_VERIFY_HEADER,
  ORIGIN_VERIFY_STAGE_VARIABLE,
  VIEWER_ADDRESS_HEADER,
} from '../../functions/shared/contract/front-door.js';

interface FrontDoorProps {
  readonly httpApi: IHttpApi;
  readonly stage: HttpStage;
  /** The ARN of a WAF web ACL of scope CLOUDFRONT (us-east-1; `WeChatLoginFrontDoorWafStack`). */
  readonly webAclArn: string;
  /** For the origin secret. */
  readonly removalPolicy: RemovalPolicy;
}

/**
 * Sets the viewer's address (as CloudFront saw the connection) into a header, overwriting whatever the client sent,
 * so the functions can count per client although API Gateway only sees CloudFront's address.
 */
const viewerAddressCode = `function handler(event) {
  var request = event.request;
  request.headers['${VIEWER_ADDRESS_HEADER.toLowerCase()}'] = { value: event.viewer.ip };
  return request;
}`;

/**
 * CloudFront with the WAF web ACL in front of the HTTP API, and the bypass closed: CloudFront adds a random secret
 * header (ORIGIN_VERIFY_HEADER) to every origin request; the stage carries the same value as a stage variable; the
 * authorizer's identity source requires the header (API Gateway answers 401 without it) and the authorizer and the login
 * function compare it with the stage variable. Both values are CloudFormation dynamic references to a generated
 * Secrets Manager secret, resolved at deploy: the template, the outputs and the Lambda environments never hold it.
 */
class FrontDoor extends Construct {
  readonly distribution: Distribution;
  readonly originSecret: Secret;
  /** `https://<id>.cloudfront.net/`: the URL clients use. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: FrontDoorProps) {
    super(scope, id);
    this.originSecret = this.createOriginSecret(props.removalPolicy);
    const originVerify = this.originSecret.secretValue.unsafeUnwrap();
    (props.stage.node.defaultChild as CfnStage).stageVariables = { [ORIGIN_VERIFY_STAGE_VARIABLE]: originVerify };
    this.distribution = this.createDistribution(props, originVerify);
    this.url = `https://${this.distribution.distributionDomainName}/`;
  }

  private createOriginSecret(removalPolicy: RemovalPolicy): Secret {
    const secret = new Secret(this, 'OriginVerify', {
      description: `The ${ORIGIN_VERIFY_HEADER} value CloudFront sends and the API requires (generated; never output)`,
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
      removalPolicy,
    });
    Validations.of(secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The origin-verify value is copied into CloudFront and the API stage at deploy time (dynamic references), so ' +
        'a rotation Lambda changing it alone would lock CloudFront out; rotate it by putting a new random value and ' +
        'redeploying (README, Security).',
    });
    return secret;
  }

  private createDistribution(props: FrontDoorProps, originVerify: string): Distribution {
    const region = Stack.of(this).region;
    const origin = new HttpOrigin(`${props.httpApi.apiId}.execute-api.${region}.${Stack.of(this).urlSuffix}`, {
      protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
      originSslProtocols: [OriginSslPolicy.TLS_V1_2],
      customHeaders: { [ORIGIN_VERIFY_HEADER]: originVerify },
      readTimeout: Duration.seconds(30),
    });
    const viewerAddress = new CloudFrontFunction(this, 'ViewerAddress', {
      code: FunctionCode.fromInline(viewerAddressCode),
      comment: `Sets ${VIEWER_ADDRESS_HEADER} to the viewer's IP address`,
    });
    const distribution = new Distribution(this, 'Distribution', {
      comment: 'WeChat mini program login: WAF front door of the HTTP API',
      webAclId: props.webAclArn,
      httpVersion: HttpVersion.HTTP2_AND_3,
      priceClass: PriceClass.PRICE_CLASS_ALL,
      defaultBehavior: {
        origin,
        viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
        allowedMethods: AllowedMethods.ALLOW_ALL,
        cachePolicy: CachePolicy.CACHING_DISABLED,
        originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
        functionAssociations: [{ function: viewerAddress, eventType: FunctionEventType.VIEWER_REQUEST }],
      },
    });
    this.acknowledge(distribution);
    return distribution;
  }

  private acknowledge(distribution: Distribution): void {
    Validations.of(distribution).acknowledge(
      {
        id: 'AwsSolutions-CFR1',
        reason: 'WeChat users travel; the per-IP rate rules and the IP reputation list apply everywhere instead.',
      },
      {
        id: 'AwsSolutions-CFR3',
        reason:
          'The HTTP API stage writes an access log line for every request CloudFront forwards; WAF samples what it ' +
          'blocks. A second log of the same requests would only add cost.',
      },
      {
        id: 'AwsSolutions-CFR4',
        reason:
          'The default *.cloudfront.net certificate cannot pin a minimum TLS version; with a custom domain and an ACM ' +
          'certificate set TLSv1.2_2021. Mini programs connect with TLS 1.2 or later anyway.',
      }
    );
  }
}

export type { FrontDoorProps };
export { FrontDoor };
