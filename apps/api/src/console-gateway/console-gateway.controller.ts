import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { ConsoleGatewayInfoService } from '@carve/console-gateway';
import { ReadRoute } from '../http/api-docs.decorators';

export class ConsoleGatewayView {
  @ApiProperty({ description: 'False when CARVE_CONSOLE_GATEWAY_PORT is 0' }) enabled: boolean;
  @ApiProperty({ example: '127.0.0.1' }) host: string;
  @ApiPropertyOptional({ nullable: true, type: Number, example: 2222 }) port: number | null;
  @ApiProperty({ example: 'SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8', description: 'What ssh shows on the first connection: compare before answering yes' })
  hostKeyFingerprint: string;
  @ApiProperty({ example: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl' }) hostKey: string;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'Append to ~/.ssh/known_hosts to pin the key before connecting' }) knownHostsLine: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, example: 'ssh -p 2222 SERVERNAME@127.0.0.1' }) loginExample: string | null;
}

/** The SSH console gateway's address and host key, for customers to pin. */
@ApiTags('console')
@Controller('v1/console-gateway')
export class ConsoleGatewayController {
  constructor(private readonly info: ConsoleGatewayInfoService) {}

  @Get()
  @ReadRoute()
  @ApiOkResponse({ type: ConsoleGatewayView })
  get(): ConsoleGatewayView {
    return this.info.describe();
  }
}
