/** Bridges Fastify requests and replies to the framework-free endpoint functions in oauth/endpoints. */
import { isIP } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { EndpointRequest, EndpointResponse } from '../oauth/endpoints/endpoint-response.js';

/**
 * The client's address: the peer's, or, behind a trusted proxy, the right-most one the proxies
 * did not add. A forwarded value that is not an IP address is reduced to the address it holds
 * (some proxies append a port) or to `unknown`, which no IP range contains: the policy checks
 * fail closed on it, and the login history never records text a client wrote there.
 */
export function clientAddressOf(req: FastifyRequest): string {
  const address = req.ip;
  if (isIP(address)) return address;
  const withPort = /^(?:\[([^\]]+)\]|([^:]+)):\d{1,5}$/.exec(address);
  const bare = withPort?.[1] ?? withPort?.[2];
  return bare !== undefined && isIP(bare) ? bare : 'unknown';
}

export function toEndpointRequest(req: FastifyRequest): EndpointRequest {
  const queryStart = req.url.indexOf('?');
  return {
    method: req.method,
    contentType: req.headers['content-type'],
    body: typeof req.body === 'string' ? req.body : '',
    authorization: req.headers.authorization,
    clientAddress: clientAddressOf(req),
    query: new URLSearchParams(queryStart < 0 ? '' : req.url.slice(queryStart + 1)),
  };
}

export function sendEndpointResponse(reply: FastifyReply, response: EndpointResponse): FastifyReply {
  return reply.code(response.status).headers(response.headers).send(response.body);
}
