/** Bridges Fastify requests and replies to the framework-free endpoint functions in oauth/endpoints. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { EndpointRequest, EndpointResponse } from '../oauth/endpoints/endpoint-response.js';

export function toEndpointRequest(req: FastifyRequest): EndpointRequest {
  const queryStart = req.url.indexOf('?');
  return {
    method: req.method,
    contentType: req.headers['content-type'],
    body: typeof req.body === 'string' ? req.body : '',
    authorization: req.headers.authorization,
    clientAddress: req.ip,
    query: new URLSearchParams(queryStart < 0 ? '' : req.url.slice(queryStart + 1)),
  };
}

export function sendEndpointResponse(reply: FastifyReply, response: EndpointResponse): FastifyReply {
  return reply.code(response.status).headers(response.headers).send(response.body);
}
