import { Body, Controller, Delete, Get, HttpCode, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Audited } from '@carve/audit';
import { Actor, CurrentActor, UserSshKeyService } from '@carve/tenancy';
import { ReadRoute } from '../http/api-docs.decorators';
import { UuidParam } from '../http/uuid-param';
import { AddSshKeyDto, SshKeyList, SshKeyView } from './ssh-key.dto';

/**
 * A user's SSH keys: what the console gateway logs them in with and rescue mode authorises.
 * Read access at the guard because every user (viewers included) manages their own keys;
 * the service decides whose keys the caller may touch.
 */
@ApiTags('ssh-keys')
@Controller('v1/users/:id/ssh-keys')
export class SshKeysController {
  constructor(private readonly keys: UserSshKeyService) {}

  @Get()
  @ReadRoute(403, 404)
  @ApiOkResponse({ type: SshKeyList })
  async list(@CurrentActor() actor: Actor, @UuidParam() userId: string): Promise<SshKeyList> {
    return { items: await this.keys.list(actor, userId) };
  }

  @Post()
  @ReadRoute(403, 404, 409)
  @Audited('sshKeys.add', 'sshKey', { field: 'id' })
  @ApiCreatedResponse({ type: SshKeyView })
  add(@CurrentActor() actor: Actor, @UuidParam() userId: string, @Body() body: AddSshKeyDto): Promise<SshKeyView> {
    return this.keys.add(actor, userId, body);
  }

  @Delete(':keyId')
  @HttpCode(204)
  @ReadRoute(403, 404)
  @Audited('sshKeys.remove', 'sshKey', { param: 'keyId' })
  async remove(@CurrentActor() actor: Actor, @UuidParam() userId: string, @UuidParam('keyId') keyId: string): Promise<void> {
    await this.keys.remove(actor, userId, keyId);
  }
}
