/**
 * The optional WAF front door (`-c frontDoor=true`), written once for the stack and the functions. CloudFront adds
 * ORIGIN_VERIFY_HEADER to every request it sends to the HTTP API, with a random value from Secrets Manager; the stack
 * puts the same value in the stage variable ORIGIN_VERIFY_STAGE_VARIABLE (both through a CloudFormation dynamic
 * reference, so the value is in neither the template nor any Lambda environment). The authorizer and the login
 * function refuse a request whose header does not match the stage variable: a request that skipped CloudFront (and
 * so its WAF) never gets in. Without the front door the stage variable is absent and nothing is checked.
 */
const ORIGIN_VERIFY_HEADER = 'X-Origin-Verify';
const ORIGIN_VERIFY_STAGE_VARIABLE = 'originVerify';
/**
 * The viewer's IP address as CloudFront saw it, set by the front door's viewer-request function (overwriting any value
 * a client sent). Trustworthy only on a request that passed the origin check.
 */
const VIEWER_ADDRESS_HEADER = 'X-Viewer-Address';

export { ORIGIN_VERIFY_HEADER, ORIGIN_VERIFY_STAGE_VARIABLE, VIEWER_ADDRESS_HEADER };
