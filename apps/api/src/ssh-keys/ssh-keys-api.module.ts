import { Module } from '@nestjs/common';
import { TenancyModule } from '@carve/tenancy';
import { SshKeysController } from './ssh-keys.controller';

/** The HTTP side of users' SSH keys (libs/tenancy owns them). */
@Module({ imports: [TenancyModule], controllers: [SshKeysController] })
export class SshKeysApiModule {}
