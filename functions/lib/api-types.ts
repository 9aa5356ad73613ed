import type { Principal } from '../../shared/model/token';

/** A request as handlers see it, whatever carried it (API Gateway, or the local server). */
export interface ApiRequest {
  /** `METHOD /path/{param}`, as API Gateway names the matched route. */
  routeKey: string;
  params: Record<string, string>;
  /** Repeated parameters are joined by commas, as API Gateway does. */
  query: Record<string, string>;
  /** Lower-cased names. */
  headers: Record<string, string>;
  /** Parsed and validated JSON, or undefined when there is none. */
  body: unknown;
  principal: Principal;
  sourceIp: string | undefined;
}

export interface ApiResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type RouteHandler = (request: ApiRequest) => Promise<ApiResponse>;

export function json(status: number, body: unknown, headers: Record<string, string> = {}): ApiResponse {
  return { status, body, headers };
}
