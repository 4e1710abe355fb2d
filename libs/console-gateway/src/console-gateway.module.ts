import { Module } from '@nestjs/common';
import { AuditModule } from '@carve/audit';
import { ConsoleModule } from '@carve/console';
import { ServersModule } from '@carve/servers';
import { TenancyModule } from '@carve/tenancy';
import { ConsoleGatewayInfoService } from './console-gateway-info';
import { ConsoleSessionAudit } from './sessions/console-session-audit';
import { ConsoleSessionPolicy } from './sessions/console-session-policy';
import { ConsoleGatewayServer } from './ssh/console-gateway.server';
import { GatewayHostKey } from './ssh/gateway-host-key';
import { GatewayLogins } from './ssh/gateway-logins';

/**
 * Console sessions' rules (caps, audit, idle close, revocation: ConsoleSessionPolicy, for
 * the web console and the gateway alike) and the SSH console gateway. Imported by the API.
 */
@Module({
  imports: [ConsoleModule, AuditModule, TenancyModule, ServersModule],
  providers: [ConsoleSessionAudit, ConsoleSessionPolicy, GatewayHostKey, GatewayLogins, ConsoleGatewayServer, ConsoleGatewayInfoService],
  exports: [ConsoleSessionPolicy, ConsoleGatewayServer, ConsoleGatewayInfoService],
})
export class ConsoleGatewayModule {}
