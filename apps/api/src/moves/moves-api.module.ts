import { Module } from '@nestjs/common';
import { MovesModule } from '@carve/moves';
import { MovesController } from './moves.controller';

/** The HTTP side of moves and drains. */
@Module({ imports: [MovesModule], controllers: [MovesController] })
export class MovesApiModule {}
