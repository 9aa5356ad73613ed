/**
 * The HTTP API: one route per entry of ROUTES, one function per distinct `function`, and the token
 * authorizer in front of every route that is not public. CORS is answered by the functions, as the
 * local server's are (functions/http/response-headers.ts), not by API Gateway: its CORS setting is
 * one for the whole API and would let every origin read admin answers.
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  HttpApi,
  HttpMethod,
  HttpNoneAuthorizer,
  type HttpRoute,
  HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaAuthorizer, HttpLambdaResponseType } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { type FunctionUrl, FunctionUrlAuthType, InvokeMode } from 'aws-cdk-lib/aws-lambda';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { Route } from '../../functions/routes/routes';
import { TOKEN_AUTHORIZER } from '../lambda-functions';
import type { StageConfig } from '../stages';
import type { FunctionFactory, OmnilabFunction } from './omnilab-function';

export interface FlagApiProps {
  routes: readonly Route[];
  prefix: string;
  stage: StageConfig;
  createFunction: FunctionFactory;
}

/**
 * How long API Gateway reuses the authorizer's answer for one Authorization header. It bounds no
 * revocation: the function checks the token again (its own cache is seconds).
 */
export const AUTHORIZER_CACHE = Duration.minutes(5);

/** The function of `/api/client/streaming` and `/ofrep/v1/sse` (functions/routes/). */
export const STREAMING_FUNCTION = 'client-streaming';

/**
 * Browsers' CORS preflights, on every path, without a token (browsers send none on a preflight):
 * the function answers them with the path's CORS policy, admin paths for the console's origins only.
 */
export const PREFLIGHT_ROUTE = { method: 'OPTIONS', path: '/{proxy+}' } as const;

export class FlagApi extends Construct {
  readonly api: HttpApi;
  readonly stage: HttpStage;
  readonly url: string;
  readonly functions = new Map<string, OmnilabFunction>();
  readonly authorizerFunction: OmnilabFunction;
  readonly routes: HttpRoute[] = [];
  /** The streaming function's URL (Server-Sent Events), when the route list has it. */
  streamingUrl: FunctionUrl | undefined;

  constructor(scope: Construct, id: string, props: FlagApiProps) {
    super(scope, id);
    this.api = new HttpApi(this, 'Api', {
      apiName: `${props.prefix}api`,
      createDefaultStage: false,
    });
    const accessLogs = new LogGroup(this, 'AccessLogs', {
      logGroupName: `/omnilab/${props.prefix}api/access`,
      retention: props.stage.logRetention,
      removalPolicy: props.stage.retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: props.stage.throttle,
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        // The token's name (never the token) says who called; no body, query or customer id is logged.
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            time: '$context.requestTime',
            routeKey: '$context.routeKey',
            status: '$context.status',
            latencyMs: '$context.responseLatency',
            integrationMs: '$context.integrationLatency',
            caller: '$context.authorizer.name',
            sourceIp: '$context.identity.sourceIp',
            userAgent: '$context.identity.userAgent',
            error: '$context.error.message',
            authorizerError: '$context.authorizer.error',
          }),
        ),
      },
    });
    this.url = this.stage.url;

    this.authorizerFunction = props.createFunction(this, TOKEN_AUTHORIZER, {
      timeout: Duration.seconds(5),
    });
    const authorizer = new HttpLambdaAuthorizer('TokenAuthorizer', this.authorizerFunction.fn, {
      authorizerName: `${props.prefix}token`,
      identitySource: ['$request.header.Authorization'],
      responseTypes: [HttpLambdaResponseType.SIMPLE],
      resultsCacheTtl: AUTHORIZER_CACHE,
    });
    const none = new HttpNoneAuthorizer();

    const integrations = new Map<string, HttpLambdaIntegration>();
    for (const route of props.routes) {
      let integration = integrations.get(route.function);
      if (!integration) {
        const fn = props.createFunction(
          this,
          { name: route.function, entry: route.entry, kind: 'http' },
          // Every route answers from a few DynamoDB calls; one still running after 10 s is stuck, and
          // ending it frees its concurrency well within the HTTP API's 30-second limit. A stream
          // (through its Function URL) lives up to 5 minutes: Lambda's 15 are its bound.
          { timeout: route.function === STREAMING_FUNCTION ? Duration.minutes(15) : Duration.seconds(10) },
        );
        this.functions.set(route.function, fn);
        integration = new HttpLambdaIntegration(`Integration-${route.function}`, fn.fn);
        integrations.set(route.function, integration);
      }
      const routes = this.api.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration,
        authorizer: route.access === 'public' ? none : authorizer,
      });
      if (route.access === 'public') {
        for (const r of routes) {
          Validations.of(r).acknowledge({
            id: 'AwsSolutions-APIG4',
            reason: `${route.method} ${route.path} is public by design (access: public in functions/routes/): it reads no data and needs no token.`,
          });
        }
      }
      this.routes.push(...routes);
    }
    // Server-Sent Events need Lambda response streaming, which the HTTP API does not carry: the
    // streaming function also answers on a Function URL, and authenticates the token itself
    // (functions/http/response-stream.ts, docs/deploy.md).
    const streaming = this.functions.get(STREAMING_FUNCTION);
    if (streaming) {
      this.streamingUrl = streaming.fn.addFunctionUrl({
        authType: FunctionUrlAuthType.NONE,
        invokeMode: InvokeMode.RESPONSE_STREAM,
      });
    }
    // Preflights go to the function of the public route (the OpenAPI document), else the first one.
    const preflightTarget = props.routes.find((r) => r.access === 'public') ?? props.routes[0];
    const preflightIntegration = preflightTarget && integrations.get(preflightTarget.function);
    if (preflightIntegration) {
      const preflight = this.api.addRoutes({
        path: PREFLIGHT_ROUTE.path,
        methods: [HttpMethod.OPTIONS],
        integration: preflightIntegration,
        authorizer: none,
      });
      for (const r of preflight) {
        Validations.of(r).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason:
            'Browsers send CORS preflights (OPTIONS) without the Authorization header; the function answers them with CORS headers only, reading no data.',
        });
      }
      this.routes.push(...preflight);
    }
  }
}
