import { readFileSync } from 'node:fs';
import { Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { CONSOLE_PAGE_HTML, CONSOLE_PAGE_JS } from './console-page.assets';

/** Same origin only; xterm.js adds its own <style> element, hence the inline styles. */
const PAGE_CSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; font-src 'self'; base-uri 'none'; frame-ancestors 'none'";

/**
 * Serves /console/{serverId}: the page (no data in it; it asks the API with the user's
 * token for a ticket) and its assets, xterm.js from node_modules, never from a CDN.
 */
@Injectable()
export class ConsolePage implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    const xtermJs = readFileSync(require.resolve('@xterm/xterm/lib/xterm.js'));
    const xtermCss = readFileSync(require.resolve('@xterm/xterm/css/xterm.css'));
    const asset = (reply: FastifyReply, type: string, body: string | Buffer) =>
      reply.header('content-type', type).header('cache-control', 'public, max-age=3600').header('x-content-type-options', 'nosniff').send(body);
    fastify.get('/console/:id', (_request, reply) =>
      reply
        .header('content-type', 'text/html; charset=utf-8')
        .header('content-security-policy', PAGE_CSP)
        .header('referrer-policy', 'no-referrer')
        .header('x-frame-options', 'DENY')
        .header('cache-control', 'no-store')
        .send(CONSOLE_PAGE_HTML),
    );
    fastify.get('/console/assets/xterm.js', (_request, reply) => asset(reply, 'text/javascript; charset=utf-8', xtermJs));
    fastify.get('/console/assets/xterm.css', (_request, reply) => asset(reply, 'text/css; charset=utf-8', xtermCss));
    fastify.get('/console/assets/console.js', (_request, reply) => asset(reply, 'text/javascript; charset=utf-8', CONSOLE_PAGE_JS));
  }
}
