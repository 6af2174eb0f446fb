import { Stack, Token } from 'aws-cdk-lib';
import { CfnWebACL } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { ValidationError } from '../validation-error.js';

interface FrontDoorWebAclProps {
  /**
   * Requests one client IP may send to `POST /login` in any 5 minutes before WAF blocks it (403) until its rate falls.
   * Generous enough for many phones behind one carrier NAT; the login function's own per-IP limit is finer.
   *
   * @default 300 (one a second on average)
   */
  readonly loginRequestsPer5Minutes?: number;
  /**
   * Requests one client IP may send to any route in any 5 minutes.
   *
   * @default 3000 (ten a second on average)
   */
  readonly requestsPer5Minutes?: number;
}

const frontDoorWebAclDefaults = { loginRequestsPer5Minutes: 300, requestsPer5Minutes: 3000 } as const;

/** WAF's bounds on a rate-based rule's limit. */
const WAF_MIN_LIMIT = 10;
const WAF_MAX_LIMIT = 2_000_000_000;

const visibility = (metricName: string): CfnWebACL.VisibilityConfigProperty => ({
  cloudWatchMetricsEnabled: true,
  metricName,
  sampledRequestsEnabled: true,
});

const exactly = (field: CfnWebACL.FieldToMatchProperty, value: string): CfnWebACL.StatementProperty => ({
  byteMatchStatement: {
    fieldToMatch: field,
    positionalConstraint: 'EXACTLY',
    searchString: value,
    textTransformations: [{ priority: 0, type: 'NONE' }],
  },
});

/** POST /login as WAF sees the viewer's request: the path normalized, then starting with /login (`/login/`, `//login` too). */
const loginRequests: CfnWebACL.StatementProperty = {
  andStatement: {
    statements: [
      exactly({ method: {} }, 'POST'),
      {
        byteMatchStatement: {
          fieldToMatch: { uriPath: {} },
          positionalConstraint: 'STARTS_WITH',
          searchString: '/login',
          textTransformations: [{ priority: 0, type: 'NORMALIZE_PATH' }],
        },
      },
    ],
  },
};

/** Over a rate rule: 429 with API Gateway's throttling body, so clients treat it like a stage throttle (retry later). */
const TOO_MANY_REQUESTS_BODY = 'TooManyRequests';
const tooManyRequests: CfnWebACL.RuleActionProperty = {
  block: {
    customResponse: {
      responseCode: 429,
      customResponseBodyKey: TOO_MANY_REQUESTS_BODY,
      responseHeaders: [{ name: 'retry-after', value: '60' }],
    },
  },
};

const rateRule = (name: string, priority: number, limit: number, scopeDown?: CfnWebACL.StatementProperty) => ({
  name,
  priority,
  action: tooManyRequests,
  statement: {
    rateBasedStatement: {
      aggregateKeyType: 'IP',
      evaluationWindowSec: 300,
      limit,
      ...(scopeDown ? { scopeDownStatement: scopeDown } : {}),
    },
  },
  visibilityConfig: visibility(name),
});

/**
 * The WAF web ACL of the front door (scope CLOUDFRONT, so it must live in us-east-1): AWS's managed IP reputation
 * list first, then two rate-based rules keyed on the client IP CloudFront sees — a tight one on `POST /login` and a
 * looser one on everything.
 */
class FrontDoorWebAcl extends Construct {
  readonly webAcl: CfnWebACL;
  readonly webAclArn: string;

  constructor(scope: Construct, id: string, props: FrontDoorWebAclProps = {}) {
    super(scope, id);
    const region = Stack.of(this).region;
    if (!Token.isUnresolved(region) && region !== 'us-east-1') {
      throw new ValidationError(`A CloudFront web ACL can only be created in us-east-1, not ${region}`, this);
    }
    const login = this.validLimit('loginRequestsPer5Minutes', props.loginRequestsPer5Minutes);
    const all = this.validLimit('requestsPer5Minutes', props.requestsPer5Minutes);
    this.webAcl = new CfnWebACL(this, 'WebAcl', {
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      description: 'WeChat login front door: IP reputation list, per-IP rate limits, tighter on POST /login',
      visibilityConfig: visibility('WeChatLoginFrontDoor'),
      customResponseBodies: {
        [TOO_MANY_REQUESTS_BODY]: { contentType: 'APPLICATION_JSON', content: '{"message":"Too Many Requests"}' },
      },
      rules: [
        {
          name: 'AwsIpReputation',
          priority: 0,
          overrideAction: { none: {} },
          statement: {
            managedRuleGroupStatement: { vendorName: 'AWS', name: 'AWSManagedRulesAmazonIpReputationList' },
          },
          visibilityConfig: visibility('AwsIpReputation'),
        },
        rateRule('LoginPerIp', 1, login, loginRequests),
        rateRule('AllRoutesPerIp', 2, all),
      ],
    });
    this.webAclArn = this.webAcl.attrArn;
  }

  private validLimit(name: keyof FrontDoorWebAclProps, value: number | undefined): number {
    const limit = value ?? frontDoorWebAclDefaults[name];
    if (!Number.isSafeInteger(limit) || limit < WAF_MIN_LIMIT || limit > WAF_MAX_LIMIT) {
      throw new ValidationError(
        `${name} must be a whole number from ${WAF_MIN_LIMIT} to ${WAF_MAX_LIMIT}, got ${limit}`,
        this
      );
    }
    return limit;
  }
}

export type { FrontDoorWebAclProps };
export { FrontDoorWebAcl, frontDoorWebAclDefaults };
