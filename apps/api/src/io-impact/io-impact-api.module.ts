import { Module } from '@nestjs/common';
import { IoFairnessModule } from '@carve/io-fairness';
import { IoImpactController } from './io-impact.controller';

/** The HTTP side of IO fairness: the IO impact report, its graph and the per-host IO policy. */
@Module({ imports: [IoFairnessModule], controllers: [IoImpactController] })
export class IoImpactApiModule {}
