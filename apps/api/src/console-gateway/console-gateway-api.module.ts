import { Module } from '@nestjs/common';
import { ConsoleGatewayModule } from '@carve/console-gateway';
import { ConsoleGatewayController } from './console-gateway.controller';

/** The SSH console gateway (it listens from the API process) and the route that shows its host key. */
@Module({ imports: [ConsoleGatewayModule], controllers: [ConsoleGatewayController] })
export class ConsoleGatewayApiModule {}
