import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CPU_WEIGHT_MAX, VIF_RATE_MAX_MBIT } from '@carve/xen';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { JobView } from '../jobs/job.view';
import { ServerDoc } from './server.view';

/** Credit2's own ceiling (100 per vCPU, at most 512 vCPUs); the server's vCPUs narrow it further. */
const CAP_CEILING = 100 * 512;

/** Each field left out is kept; null clears it. */
export class ServerLimitsDto {
  @ApiPropertyOptional({
    type: 'integer',
    nullable: true,
    minimum: 0,
    maximum: CAP_CEILING,
    example: 150,
    description: 'CPU cap, % of one CPU (xl sched-credit2 -c): 0 or null is no cap; at most 100 x the server\'s vCPUs. Live on a running server.',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(CAP_CEILING)
  cpuCapPercent?: number | null;

  @ApiPropertyOptional({ type: 'integer', nullable: true, minimum: 1, maximum: CPU_WEIGHT_MAX, example: 512, description: 'Credit2 weight (xl sched-credit2 -w), the share under contention; null is the default 256. Live on a running server.' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(CPU_WEIGHT_MAX)
  cpuWeight?: number | null;

  @ApiPropertyOptional({
    type: 'integer',
    nullable: true,
    minimum: 1,
    maximum: VIF_RATE_MAX_MBIT,
    example: 100,
    description: 'Outgoing network rate in Mbit/s (vif rate= in the domain config); null is unlimited. Live on a running server (the xenstore rate node of each vif, which netback watches), else at its next start.',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(VIF_RATE_MAX_MBIT)
  networkRateMbit?: number | null;
}

export class LimitsAcceptedDoc {
  @ApiProperty({ type: ServerDoc }) server: ServerDoc;
  @ApiProperty({ type: JobView, description: 'Follow it at /v1/jobs/{id}' }) job: JobView;
  @ApiPropertyOptional({ enum: ['live', 'next-boot'], description: 'When cap or weight changed: live on a running server, else at its next start' }) cpu?: 'live' | 'next-boot';
  @ApiPropertyOptional({ enum: ['live', 'next-boot'], description: 'When the network rate changed: live on a running server, else at its next start' }) network?: 'live' | 'next-boot';
}
