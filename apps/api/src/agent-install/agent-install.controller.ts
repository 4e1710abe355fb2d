import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { utils } from 'ssh2';
import { AgentInstallResult, AgentInstallService, BootstrapCredential } from '@carve/agent-install';
import { Audited } from '@carve/audit';
import { InvalidInputError } from '@carve/core';
import { OperatorRoute } from '../http/api-docs.decorators';
import { UuidParam } from '../http/uuid-param';
import { AgentInstallDoc, BootstrapCredentialDto, InstallAgentDto } from './install-agent.dto';

/**
 * Installs or upgrades the Dom0 agent (operators). Synchronous: the bootstrap credential
 * must live no longer than the request, and a job would carry it through Redis and
 * PostgreSQL. An install takes seconds (a minute when apt-get adds nodejs).
 */
@ApiTags('hosts')
@Controller('v1/hosts')
export class AgentInstallController {
  constructor(private readonly installs: AgentInstallService) {}

  @Post(':id/agent')
  @HttpCode(200)
  @OperatorRoute(404, 409, 422)
  // The audit keeps port and user; `credential` is dropped by name (libs/audit's secret rule).
  @Audited('hosts.agent.install', 'host', { param: 'id' })
  @ApiOkResponse({ type: AgentInstallDoc, description: 'Installed and proven: the steps, the version, and carve\'s key refused an arbitrary command' })
  install(@UuidParam() id: string, @Body() body: InstallAgentDto): Promise<AgentInstallResult> {
    return this.installs.install(id, { credential: checkedCredential(body.credential), port: body.port, user: body.user });
  }
}

/** Exactly one way to log in, and a private key that parses (with its passphrase), before anything connects. */
function checkedCredential(credential: BootstrapCredentialDto): BootstrapCredential {
  const { password, privateKey, passphrase } = credential;
  if ((password === undefined) === (privateKey === undefined)) {
    throw new InvalidInputError([{ field: 'credential', message: 'must hold exactly one of password or privateKey' }]);
  }
  if (password !== undefined) {
    if (passphrase !== undefined) throw new InvalidInputError([{ field: 'credential.passphrase', message: 'goes with privateKey, not password' }]);
    return { password };
  }
  const parsed = utils.parseKey(privateKey as string, passphrase);
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!key || key instanceof Error) {
    const encrypted = key instanceof Error && /encrypted|passphrase/i.test(key.message);
    throw new InvalidInputError([
      encrypted
        ? { field: 'credential.passphrase', message: passphrase === undefined ? 'the private key is encrypted: send its passphrase' : 'does not decrypt the private key' }
        : { field: 'credential.privateKey', message: 'must be an OpenSSH or PEM private key' },
    ]);
  }
  if (key.isPrivateKey() === false) throw new InvalidInputError([{ field: 'credential.privateKey', message: 'is a public key; send the private key' }]);
  return { privateKey: privateKey as string, passphrase };
}
