import { Controller, Get, HttpCode, Post, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { JOB_STATUSES, JobService, JobStatus } from '@carve/jobs';
import { Actor, CurrentActor, TokenService } from '@carve/tenancy';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';
import type { FastifyReply } from 'fastify';
import { ReadRoute, WriteRoute } from '../http/api-docs.decorators';
import { problemFrom } from '../http/problem';
import { toCarveError } from '../http/problem.filter';
import { PageQuery, pageRequest } from '../http/page-query.dto';
import { UuidParam } from '../http/uuid-param';
import { JobPage, JobView } from './job.view';

export class JobListQuery extends PageQuery {
  @ApiPropertyOptional({ enum: JOB_STATUSES })
  @IsOptional()
  @IsIn(JOB_STATUSES)
  status?: JobStatus;

  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID()
  hostId?: string;

  @ApiPropertyOptional({ description: 'Operators: one customer. Customers only ever see their own jobs.' })
  @IsOptional()
  @IsUUID()
  customerId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID()
  serverId?: string;
}

export class FollowQuery {
  @ApiPropertyOptional({ description: 'Long polling: answer as soon as the job version is above this (or it has finished)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  afterVersion?: number;

  @ApiPropertyOptional({ default: 25, maximum: 55, description: 'How long to wait for a change, in seconds' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(55)
  waitSeconds?: number;
}

/** The pending jobs queue: newest first, each with its steps. */
@ApiTags('jobs')
@Controller('v1/jobs')
export class JobsController {
  constructor(
    private readonly jobs: JobService,
    private readonly tokens: TokenService,
  ) {}

  @Get()
  @ReadRoute()
  @ApiOkResponse({ type: JobPage })
  list(@CurrentActor() actor: Actor, @Query() query: JobListQuery): Promise<JobPage> {
    const { limit: _l, cursor: _c, ...filter } = query;
    return this.jobs.list(actor, pageRequest(query), filter);
  }

  @Get(':id')
  @ReadRoute(404)
  @ApiOkResponse({ type: JobView, description: 'With afterVersion, waits (long polling) until the job changes' })
  get(@CurrentActor() actor: Actor, @UuidParam() id: string, @Query() query: FollowQuery): Promise<JobView> {
    if (query.afterVersion === undefined) return this.jobs.get(actor, id);
    return this.jobs.follow(actor, id, query.afterVersion, query.waitSeconds ?? 25);
  }

  @Get(':id/events')
  @ReadRoute(404)
  @ApiProduces('text/event-stream')
  @ApiOkResponse({
    description:
      'Server-sent events: a `job` event with the whole job at every change (steps included) until it finishes, ' +
      'and a `heartbeat` event with the unchanged job every 25 s. The stream ends after the job has succeeded, failed or been cancelled. ' +
      'The token is checked again at every event and every few seconds: when it is revoked or expires, its user is deleted or the account ' +
      'suspended, the stream sends an `error` event (a problem object, e.g. code `unauthenticated`) and ends.',
  })
  async events(@CurrentActor() actor: Actor, @UuidParam() id: string, @Res() reply: FastifyReply): Promise<void> {
    await this.jobs.get(actor, id); // another tenant's job is a 404 problem before the stream starts
    const aborted = new AbortController();
    reply.raw.on('close', () => aborted.abort());
    reply.hijack();
    const requestId = String(reply.request.id);
    reply.raw.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-request-id': requestId });
    try {
      const stream = { signal: aborted.signal, recheckCaller: (caller: Actor) => this.tokens.assertStillValid(caller) };
      for await (const { job, changed } of this.jobs.changes(actor, id, stream)) {
        reply.raw.write(`event: ${changed ? 'job' : 'heartbeat'}\nid: ${job.version}\ndata: ${JSON.stringify(job)}\n\n`);
      }
    } catch (exception) {
      const error = toCarveError(exception);
      if (error.status >= 500) reply.request.log.error({ err: exception }, 'job event stream failed');
      reply.raw.write(`event: error\ndata: ${JSON.stringify(problemFrom(error, reply.request.url, requestId))}\n\n`);
    } finally {
      reply.raw.end();
    }
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @WriteRoute(404, 409)
  @ApiOkResponse({ type: JobView, description: 'Only jobs no worker has started can be cancelled' })
  cancel(@CurrentActor() actor: Actor, @UuidParam() id: string): Promise<JobView> {
    return this.jobs.cancel(actor, id);
  }
}
