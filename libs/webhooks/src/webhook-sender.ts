import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { Inject, Injectable } from '@nestjs/common';
import { CarveConfig } from '@carve/config';
import { bareHostname, checkedAddresses, parseWebhookUrl, UrlRules, WebhookUrlRefused } from './webhook-address';
import type { AttemptOutcome } from './webhook-delivery.repository';

/** How much of a receiver's answer is kept on the delivery. */
export const RESPONSE_EXCERPT_CHARS = 500;
const READ_AT_MOST_BYTES = 4096;

/**
 * One POST to a webhook endpoint. The URL is checked again at every attempt, and the
 * connection goes only to the addresses that check resolved and accepted (the lookup is
 * pinned to them): a name that re-resolves to an internal address between the check and
 * the connection (DNS rebinding) is never connected to. Redirects are not followed (a 3xx
 * is a failed attempt), so one cannot lead there either.
 */
@Injectable()
export class WebhookSender {
  private readonly rules: UrlRules;

  constructor(@Inject(CarveConfig) private readonly config: CarveConfig) {
    this.rules = { allowHttp: config.webhookAllowHttp, allowPrivate: config.webhookAllowPrivate };
  }

  async post(urlText: string, headers: Record<string, string>, body: string): Promise<AttemptOutcome> {
    let url: URL;
    let addresses: { address: string; family: number }[];
    try {
      url = parseWebhookUrl(urlText, this.rules);
      addresses = await checkedAddresses(bareHostname(url), this.rules);
    } catch (error) {
      if (error instanceof WebhookUrlRefused) return { ok: false, responseCode: null, responseExcerpt: null, error: `not sent: the URL ${error.message}` };
      throw error;
    }
    const pinned: LookupFunction = (_hostname, options, callback) => {
      if (options.all) callback(null, addresses);
      else callback(null, addresses[0]!.address, addresses[0]!.family);
    };
    const timeoutMs = this.config.webhookTimeoutMs;
    return new Promise<AttemptOutcome>((resolve) => {
      let settled = false;
      const finish = (outcome: AttemptOutcome) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(outcome);
      };
      const transport = url.protocol === 'https:' ? https : http;
      const request = transport.request(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), 'user-agent': 'carve-webhooks/1', ...headers },
        lookup: pinned,
        agent: false,
      });
      const timer = setTimeout(() => {
        request.destroy();
        finish({ ok: false, responseCode: null, responseExcerpt: null, error: `timed out after ${timeoutMs} ms` });
      }, timeoutMs);
      request.on('response', (response) => {
        const code = response.statusCode ?? 0;
        const chunks: Buffer[] = [];
        let size = 0;
        const done = () => {
          const excerpt = Buffer.concat(chunks).toString('utf8').slice(0, RESPONSE_EXCERPT_CHARS);
          const ok = code >= 200 && code < 300;
          finish({ ok, responseCode: code, responseExcerpt: excerpt, error: ok ? null : `the endpoint answered HTTP ${code}` });
          response.destroy();
        };
        response.on('data', (chunk: Buffer) => {
          chunks.push(chunk);
          size += chunk.length;
          if (size >= READ_AT_MOST_BYTES) done();
        });
        response.on('end', done);
        response.on('error', done);
      });
      request.on('error', (error: NodeJS.ErrnoException) => finish({ ok: false, responseCode: null, responseExcerpt: null, error: `could not deliver: ${error.code ?? error.message}` }));
      request.end(body);
    });
  }
}
