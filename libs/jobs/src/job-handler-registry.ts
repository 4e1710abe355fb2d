import { Injectable } from '@nestjs/common';
import type { JobHandler } from './job-handler';

/**
 * Every job handler the worker can run, by job type. Each capability's module adds its own
 * handlers when it is instantiated (servers, moves, ...); a second handler for a type that
 * already has one is refused loudly instead of silently replacing it, so no module can
 * shadow another's handlers.
 */
@Injectable()
export class JobHandlerRegistry {
  private readonly handlers = new Map<string, { handler: JobHandler; owner: string }>();

  register(owner: string, handlers: readonly JobHandler[]): void {
    // All or nothing: check every handler before adding any.
    for (const handler of handlers) {
      const existing = this.handlers.get(handler.type);
      if (existing && existing.handler !== handler) {
        throw new Error(`Job type ${handler.type} already has a handler (from ${existing.owner}); ${owner} cannot register another.`);
      }
    }
    for (const handler of handlers) if (!this.handlers.has(handler.type)) this.handlers.set(handler.type, { handler, owner });
  }

  get(type: string): JobHandler | undefined {
    return this.handlers.get(type)?.handler;
  }

  types(): string[] {
    return [...this.handlers.keys()];
  }
}

/**
 * A provider that registers a module's handlers with the registry when the module is
 * instantiated: `registerJobHandlers('servers', [CreateServerHandler, ...])` in its providers.
 */
export function registerJobHandlers(owner: string, handlerClasses: readonly (abstract new (...args: never[]) => JobHandler)[]) {
  return {
    provide: `carve.job-handlers.${owner}`,
    useFactory: (registry: JobHandlerRegistry, ...handlers: JobHandler[]) => {
      registry.register(owner, handlers);
      return handlers;
    },
    inject: [JobHandlerRegistry, ...handlerClasses],
  };
}
