import type { IncomingMessage } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { isUUID } from 'class-validator';
import { WebSocket, WebSocketServer } from 'ws';
import { CarveError, NotFoundError } from '@carve/core';
import { CONSOLE_HUB, ConsoleAccessService, ConsoleUnavailableError, type ConsoleHub, type ConsoleSession } from '@carve/console';
import { ConsoleSessionPolicy } from '@carve/console-gateway';
import { RequestAuthenticator } from '@carve/tenancy';
import { PROBLEM_CONTENT_TYPE, problemFrom } from '../http/problem';
import { toCarveError } from '../http/problem.filter';
import { CLOSE_CODES, closeReason, parseClientMessage, type ServerControlMessage } from './console-protocol';

const CONSOLE_PATH = /^\/v1\/servers\/([^/?#]+)\/console$/;
/** A viewer this far behind (bytes queued on its socket) is cut off rather than buffered without end. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

/**
 * Answers WebSocket upgrades of /v1/servers/{id}/console?ticket=... on the API's HTTP
 * server: the ticket is checked (and used up) and the viewer attached to the hub before
 * the upgrade, so every refusal is an HTTP problem+json (401 ticket, 404 server, 409 not
 * running, 429 session cap, 503 console unavailable). Other upgrade requests get a 404.
 * Sessions open through ConsoleSessionPolicy, as the SSH gateway's do: the same caps, audit,
 * idle close and token recheck (a revoked token ends the session with 4001).
 */
@Injectable()
export class ConsoleWebSocket implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly access: ConsoleAccessService,
    @Inject(CONSOLE_HUB) private readonly hub: ConsoleHub,
    private readonly policy: ConsoleSessionPolicy,
    private readonly authenticator: RequestAuthenticator,
  ) {}

  onApplicationBootstrap(): void {
    const server = this.adapterHost.httpAdapter.getHttpServer() as import('node:http').Server;
    server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      socket.on('error', () => socket.destroy());
      void this.upgrade(request, socket, head);
    });
  }

  /** Sessions end with `shutdown` in the hub's destroy hook; here the sockets left are cut after their close frames went. */
  beforeApplicationShutdown(): void {
    for (const client of this.wss.clients) client.close(CLOSE_CODES.shutdown, 'the console service is restarting');
    const stragglers = setTimeout(() => {
      for (const client of this.wss.clients) client.terminate();
    }, 1_000);
    stragglers.unref();
  }

  private async upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://api.invalid');
    const path = url.pathname;
    try {
      const match = CONSOLE_PATH.exec(path);
      if (!match) throw new CarveError('not_found', 404, 'Not found', `No WebSocket is served at ${path}.`);
      const serverId = decodeURIComponent(match[1]!).toLowerCase();
      if (!isUUID(serverId)) throw new NotFoundError('server', match[1]!);
      const ticket = url.searchParams.get('ticket');
      if (!ticket) throw new CarveError('console_ticket_refused', 401, 'Console ticket refused', 'Add ?ticket= from POST /v1/servers/{id}/console-tickets.');
      const bearer = request.headers.authorization ? await this.authenticator.authenticate(request, request.headers.authorization) : undefined;
      const opener = await this.access.redeem(serverId, ticket, bearer);
      // Through the session policy (libs/console-gateway): caps, audit, idle close, as at the SSH gateway.
      const session = await this.policy.openForServer(serverId, {
        userId: opener.actor.userId,
        customerId: opener.actor.customerId,
        kind: 'web',
        remoteAddress: request.socket.remoteAddress ?? 'unknown',
        canType: opener.canType,
        tokenId: opener.actor.tokenId,
      });
      const closedEarly = (): void => session.close();
      socket.once('close', closedEarly);
      this.wss.handleUpgrade(request, socket, head, (ws) => {
        socket.removeListener('close', closedEarly);
        this.relay(ws, session);
      });
    } catch (error) {
      const carveError =
        error instanceof ConsoleUnavailableError
          ? new CarveError('console_unavailable', 503, 'Console unavailable', error.message)
          : toCarveError(error);
      refuse(socket, carveError, path);
    }
  }

  private relay(ws: WebSocket, session: ConsoleSession): void {
    const send = (message: ServerControlMessage): void => {
      if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(message));
    };
    const status = (message?: string): void =>
      send({
        type: 'status',
        sessionId: session.id,
        canType: session.viewer.canType,
        typist: session.isTypist(),
        viewers: this.hub.sessions(session.serverId).length,
        upstream: session.upstreamState(),
        ...(message === undefined ? {} : { message }),
      });
    status();
    if (session.scrollback.length > 0) ws.send(session.scrollback, { binary: true });
    session.onOutput((bytes) => {
      if (ws.readyState !== WebSocket.OPEN) return;
      if (ws.bufferedAmount > MAX_BUFFERED_BYTES) return session.end('closed', 'the viewer fell too far behind the console output');
      ws.send(bytes, { binary: true });
    });
    session.onTypist(() => status());
    session.onUpstream((change) => status(change.message));
    ws.on('message', (data, isBinary) => {
      const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
      if (isBinary) {
        if (!session.write(bytes)) send({ type: 'error', message: session.viewer.canType ? 'another viewer holds the keyboard; send {"type":"take-keyboard"} to take it' : 'you watch this console read-only' });
        return;
      }
      const message = parseClientMessage(bytes.toString('utf8'));
      if (message?.type === 'take-keyboard') {
        if (!session.takeKeyboard()) send({ type: 'error', message: 'you watch this console read-only' });
        else status();
      } else send({ type: 'error', message: 'unknown control message' });
    });
    ws.on('error', () => ws.terminate());
    ws.on('close', () => session.close());
    void session.ended.then((ended) => {
      send({ type: 'ended', reason: ended.reason, message: ended.message });
      if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) ws.close(CLOSE_CODES[ended.reason], closeReason(ended.message));
    });
  }
}

/** An HTTP problem+json answer on a socket that asked to upgrade; the ticket never appears in it. */
function refuse(socket: Duplex, error: CarveError, path: string): void {
  if (socket.destroyed) return;
  const body = JSON.stringify(problemFrom(error, path));
  socket.end(
    `HTTP/1.1 ${error.status} ${STATUS_CODES[error.status] ?? 'Error'}\r\n` +
      `Content-Type: ${PROBLEM_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
