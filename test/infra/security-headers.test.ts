/**
 * Safe defaults on AWS, from the synthesized template: API Gateway answers no CORS itself (its
 * setting is one for the whole API); preflights reach a function on OPTIONS /{proxy+} without a
 * token; every HTTP function knows the console's origin (its CloudFront URL, or the bank's own)
 * and sends HSTS; CloudFront gives the console a CSP with frame-ancestors 'none', nosniff, DENY
 * framing, a referrer policy and HSTS. cdk-nag stays clean.
 */
import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { PREFLIGHT_ROUTE } from '../../infra/constructs/flag-api';
import { API_HSTS_MAX_AGE } from '../../infra/constructs/omnilab-stack';
import { nagFindings, synthApp } from './synth-app';
import { omnilabFunctions } from './template-facts';

type Resource = { Type: string; Properties: Record<string, unknown> };

let dev: Template;
let branded: Template;
let app: ReturnType<typeof synthApp>['app'];

beforeAll(() => {
  const synth = synthApp({ stages: ['dev'] });
  app = synth.app;
  dev = synth.templates.get('dev')!;
  branded = synthApp({
    stages: ['dev'],
    stackProps: { consoleOrigins: ['https://flags.bank.example'] },
  }).templates.get('dev')!;
});

function resources(template: Template, type: string): Resource[] {
  return Object.values(template.findResources(type)) as Resource[];
}

/** The HTTP functions: every function an API route integrates (the authorizer and jobs are not). */
function httpFunctions(template: Template): Map<string, Record<string, unknown>> {
  const integrated = new Set(
    resources(template, 'AWS::ApiGatewayV2::Integration').map(
      (i) => (i.Properties.IntegrationUri as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0],
    ),
  );
  const out = new Map<string, Record<string, unknown>>();
  for (const [name, f] of omnilabFunctions(template)) {
    if (integrated.has(f.logicalId)) out.set(name, f.props);
  }
  return out;
}

const variables = (props: Record<string, unknown>) =>
  (props.Environment as { Variables: Record<string, unknown> }).Variables;

describe('CORS on AWS', () => {
  it('is not answered by API Gateway for the whole API', () => {
    const [api] = resources(dev, 'AWS::ApiGatewayV2::Api');
    expect(api.Properties.CorsConfiguration).toBeUndefined();
  });

  it('sends preflights, without a token, to a function', () => {
    const preflight = resources(dev, 'AWS::ApiGatewayV2::Route').filter(
      (r) => r.Properties.RouteKey === `${PREFLIGHT_ROUTE.method} ${PREFLIGHT_ROUTE.path}`,
    );
    expect(preflight).toHaveLength(1);
    expect(preflight[0].Properties.AuthorizationType).toBe('NONE');
    expect(preflight[0].Properties.Target).toBeDefined();
  });

  it("tells every HTTP function the console's CloudFront origin, and HSTS", () => {
    const [distribution] = Object.keys(dev.findResources('AWS::CloudFront::Distribution'));
    const functions = httpFunctions(dev);
    expect(functions.size).toBeGreaterThan(5);
    for (const [name, props] of functions) {
      const env = variables(props);
      expect(env.OMNILAB_CONSOLE_ORIGINS, name).toEqual({
        'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [distribution, 'DomainName'] }]],
      });
      expect(env.OMNILAB_HSTS_MAX_AGE_SECONDS, name).toBe(String(API_HSTS_MAX_AGE.toSeconds()));
    }
    expect(API_HSTS_MAX_AGE.toSeconds()).toBe(31_536_000);
  });

  it("uses the bank's console origin when one is given (-c consoleOrigins=…)", () => {
    for (const [name, props] of httpFunctions(branded)) {
      expect(variables(props).OMNILAB_CONSOLE_ORIGINS, name).toBe('https://flags.bank.example');
    }
  });
});

describe("the console's CloudFront response headers", () => {
  it("send a CSP that lets the build run and call the API, with frame-ancestors 'none', and HSTS", () => {
    const [policy] = resources(dev, 'AWS::CloudFront::ResponseHeadersPolicy');
    const config = policy.Properties.ResponseHeadersPolicyConfig as {
      SecurityHeadersConfig: Record<string, Record<string, unknown>>;
    };
    const headers = config.SecurityHeadersConfig;
    const csp = JSON.stringify(headers.ContentSecurityPolicy.ContentSecurityPolicy);
    for (const directive of [
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self'",
      "frame-ancestors 'none'",
      "object-src 'none'",
      "connect-src 'self' https://",
    ]) {
      expect(csp).toContain(directive);
    }
    expect(csp).not.toMatch(/unsafe-(inline|eval)/);
    // connect-src names the API's own host, built from the HTTP API's id.
    const [apiId] = Object.keys(dev.findResources('AWS::ApiGatewayV2::Api'));
    expect(csp).toContain(`"Ref":"${apiId}"`);
    expect(headers.ContentSecurityPolicy.Override).toBe(true);
    expect(headers.ContentTypeOptions).toEqual({ Override: true });
    expect(headers.FrameOptions).toEqual({ FrameOption: 'DENY', Override: true });
    expect(headers.ReferrerPolicy).toEqual({
      ReferrerPolicy: 'strict-origin-when-cross-origin',
      Override: true,
    });
    expect(headers.StrictTransportSecurity).toMatchObject({
      AccessControlMaxAgeSec: 31_536_000,
      IncludeSubdomains: true,
      Override: true,
    });
    const [distribution] = resources(dev, 'AWS::CloudFront::Distribution');
    const behavior = (
      distribution.Properties.DistributionConfig as { DefaultCacheBehavior: Record<string, unknown> }
    ).DefaultCacheBehavior;
    expect(behavior.ResponseHeadersPolicyId).toBeDefined();
    expect(behavior.ViewerProtocolPolicy).toBe('https-only');
  });

  it('leaves no cdk-nag finding unacknowledged', () => {
    expect(nagFindings(app)).toEqual([]);
  });
});
