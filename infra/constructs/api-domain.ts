import { CfnOutput, Token } from 'aws-cdk-lib';
import {
  ApiMapping,
  type CfnApi,
  DomainName,
  EndpointType,
  type HttpApi,
  type IHttpStage,
  SecurityPolicy,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import { Construct } from 'constructs';
import { ValidationError } from '../validation-error.js';

interface ApiDomainProps {
  readonly httpApi: HttpApi;
  /** The stage the domain's root maps to. */
  readonly stage: IHttpStage;
  /** The host clients call, e.g. `api.example.com` (for WeChat: an ICP-filed domain). */
  readonly domainName: string;
  /** An ACM certificate for `domainName`, in the stack's region (a regional endpoint). */
  readonly certificateArn: string;
  /**
   * Switch the API's default `execute-api` endpoint off, so the custom domain is the only way in (and a front door
   * or WAF in front of it cannot be bypassed).
   * @default false
   */
  readonly disableExecuteApiEndpoint?: boolean;
}

const HOST = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const CERTIFICATE_ARN = /^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[A-Za-z0-9-]+$/;

/**
 * An API Gateway custom domain for the HTTP API: regional endpoint, TLS 1.2 minimum, the domain's root mapped to the
 * stage. Outputs the DNS target: point a CNAME (or a Route 53 alias) for the domain at `CustomDomainTarget`.
 *
 * @example
 * new ApiDomain(this, 'Domain', {
 *   httpApi, stage, domainName: 'api.example.com',
 *   certificateArn: 'arn:aws:acm:ap-east-1:123456789012:certificate/abcd-...',
 * });
 */
class ApiDomain extends Construct {
  readonly domainName: DomainName;
  readonly mapping: ApiMapping;

  constructor(scope: Construct, id: string, props: ApiDomainProps) {
    super(scope, id);
    this.validate(props);
    this.domainName = new DomainName(this, 'DomainName', {
      domainName: props.domainName,
      certificate: Certificate.fromCertificateArn(this, 'Certificate', props.certificateArn),
      endpointType: EndpointType.REGIONAL,
      securityPolicy: SecurityPolicy.TLS_1_2,
    });
    this.mapping = new ApiMapping(this, 'Mapping', {
      api: props.httpApi,
      domainName: this.domainName,
      stage: props.stage,
    });
    if (props.disableExecuteApiEndpoint) {
      (props.httpApi.node.defaultChild as CfnApi).disableExecuteApiEndpoint = true;
    }
    new CfnOutput(this, 'Target', {
      key: 'CustomDomainTarget',
      description: `DNS target: point a CNAME (or alias) for ${props.domainName} here`,
      value: this.domainName.regionalDomainName,
    });
    new CfnOutput(this, 'Url', {
      key: 'CustomDomainUrl',
      description: 'Base URL through the custom domain (add its host to the mini program request-domain list)',
      value: `https://${props.domainName}/`,
    });
  }

  private validate(props: ApiDomainProps): void {
    if (!Token.isUnresolved(props.domainName) && !HOST.test(props.domainName)) {
      throw new ValidationError(`domainName must be a lower-case host name, got "${props.domainName}"`, this);
    }
    if (!Token.isUnresolved(props.certificateArn) && !CERTIFICATE_ARN.test(props.certificateArn)) {
      throw new ValidationError(`certificateArn must be an ACM certificate ARN, got "${props.certificateArn}"`, this);
    }
  }
}

export type { ApiDomainProps };
export { ApiDomain };
