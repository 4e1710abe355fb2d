import { Injectable } from '@nestjs/common';
import { CarveConfig } from '@carve/config';
import { ConsoleGatewayServer } from './ssh/console-gateway.server';
import { GatewayHostKey } from './ssh/gateway-host-key';

export interface ConsoleGatewayInfo {
  enabled: boolean;
  host: string;
  port: number | null;
  hostKeyFingerprint: string;
  hostKey: string;
  /** A known_hosts line to pin the key before the first connection. */
  knownHostsLine: string | null;
  loginExample: string | null;
}

/** Where the gateway is and the host key customers pin, as the API shows it. */
@Injectable()
export class ConsoleGatewayInfoService {
  constructor(
    private readonly config: CarveConfig,
    private readonly server: ConsoleGatewayServer,
    private readonly hostKey: GatewayHostKey,
  ) {}

  describe(): ConsoleGatewayInfo {
    const key = this.hostKey.get();
    const port = this.server.address()?.port ?? (this.config.consoleGatewayPort === 0 ? null : this.config.consoleGatewayPort);
    const host = this.config.consoleGatewayHost;
    return {
      enabled: port !== null,
      host,
      port,
      hostKeyFingerprint: key.fingerprint,
      hostKey: key.publicKey,
      knownHostsLine: port === null ? null : `${port === 22 ? host : `[${host}]:${port}`} ${key.publicKey}`,
      loginExample: port === null ? null : `ssh -p ${port} SERVERNAME@${host}`,
    };
  }
}
