import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';
import { IsDisplayName } from '../http/text-validators';

export class AddSshKeyDto {
  @ApiProperty({ example: 'laptop' })
  @IsString()
  @IsDisplayName(100)
  name: string;

  @ApiProperty({
    example: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl ada@laptop',
    description: 'One OpenSSH public key line: ed25519, ECDSA P-256/384/521 or RSA of 2048 bits or more; no options before the type',
  })
  @IsString()
  @MaxLength(16384)
  publicKey: string;
}

export class SshKeyView {
  @ApiProperty() id: string;
  @ApiProperty() userId: string;
  @ApiPropertyOptional({ nullable: true, type: String }) customerId: string | null;
  @ApiProperty() name: string;
  @ApiProperty({ example: 'ssh-ed25519' }) type: string;
  @ApiProperty({ example: 256 }) bits: number;
  @ApiProperty({ example: 'SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8', description: 'As `ssh-keygen -lf key.pub` prints it' }) fingerprint: string;
  @ApiProperty({ description: 'The key as stored: type, base64 and a comment when it has only safe characters' }) publicKey: string;
  @ApiProperty() createdAt: Date;
  @ApiPropertyOptional({ nullable: true, type: Date, description: 'Last login through the console gateway (to the minute)' }) lastUsedAt: Date | null;
}

export class SshKeyList {
  @ApiProperty({ type: [SshKeyView] }) items: SshKeyView[];
}
