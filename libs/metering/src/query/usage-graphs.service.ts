import { Inject, Injectable } from '@nestjs/common';
import { CarveConfig } from '@carve/config';
import { Clock } from '@carve/core';
import { usageChartSvg, UsageMetric } from './usage-charts';
import { UsageQuery, UsageSubject } from './usage-query';
import { UsageReport, usageReport } from './usage-report';
import { usageWindow, WindowQuery } from './usage-window';

/**
 * What the usage routes answer: the report (series on one axis, totals) and its graphs.
 * Callers check the subject is visible to the actor first; this service reads by id.
 */
@Injectable()
export class UsageGraphs {
  constructor(
    private readonly query: UsageQuery,
    private readonly clock: Clock,
    @Inject(CarveConfig) private readonly config: CarveConfig,
  ) {}

  async report(subject: UsageSubject, window: WindowQuery): Promise<UsageReport> {
    const resolved = usageWindow(window, this.clock.now().getTime(), this.config.meteringRetention);
    return usageReport(resolved, await this.query.buckets(subject, resolved));
  }

  async svg(subject: UsageSubject, window: WindowQuery, metric: UsageMetric, title: string): Promise<string> {
    return usageChartSvg(await this.report(subject, window), metric, title);
  }
}
