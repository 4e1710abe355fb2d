import { Injectable } from '@nestjs/common';
import { NotFoundError, Page, PageRequest } from '@carve/core';
import { Actor, scopeOf } from '@carve/tenancy';
import { ServerFilter, ServerRepository } from './server.repository';
import { toServerView, ServerView } from './server.view';
import { encodeCursor } from '@carve/core';

/** Reading servers, always within the caller's tenant. */
@Injectable()
export class ServerService {
  constructor(private readonly servers: ServerRepository) {}

  async list(actor: Actor, page: PageRequest, filter: ServerFilter): Promise<Page<ServerView>> {
    const rows = await this.servers.list(scopeOf(actor), page, filter);
    const items = rows.slice(0, page.limit);
    const disks = await this.servers.disksOf(items.map((s) => s.id));
    const last = items[items.length - 1];
    return { items: items.map((s) => toServerView(s, disks)), nextCursor: rows.length > page.limit && last ? encodeCursor(last) : null };
  }

  async get(actor: Actor, id: string): Promise<ServerView> {
    const server = await this.servers.findInScope(scopeOf(actor), id);
    if (!server) throw new NotFoundError('server', id);
    return toServerView(server, await this.servers.disksOf([id]));
  }
}
