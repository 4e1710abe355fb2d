import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDefined, IsInt, IsObject, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength, ValidateNested } from 'class-validator';

/** One of password or privateKey. Used for this request's SSH session only: never stored, logged, audited or replayed. */
export class BootstrapCredentialDto {
  @ApiPropertyOptional({ description: "The login's password (e.g. root's, from the provider's install mail)", writeOnly: true })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  password?: string;

  @ApiPropertyOptional({ description: 'An OpenSSH or PEM private key the host accepts for the login', writeOnly: true })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(32 * 1024)
  privateKey?: string;

  @ApiPropertyOptional({ description: "The private key's passphrase, when it has one", writeOnly: true })
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  passphrase?: string;
}

export class InstallAgentDto {
  @ApiProperty({ type: BootstrapCredentialDto })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => BootstrapCredentialDto)
  credential: BootstrapCredentialDto;

  @ApiPropertyOptional({ description: "SSH port for the bootstrap login; default the host's sshPort" })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(65535)
  port?: number;

  @ApiPropertyOptional({ description: "User for the bootstrap login; default the host's sshUser (root)" })
  @IsOptional()
  @IsString()
  @Matches(/^[a-z_][a-z0-9_-]{0,31}$/, { message: 'must be a POSIX user name' })
  user?: string;
}

class InstallStepDoc {
  @ApiProperty({ example: 'bind-carve-key' }) name: string;
  @ApiProperty() detail: string;
}

class InstallProofDoc {
  @ApiProperty({ description: 'What `carve-agent version` answered over carve\'s key' }) version: string;
  @ApiProperty({ example: 'id' }) arbitraryCommand: string;
  @ApiProperty({ example: true }) refused: boolean;
  @ApiProperty({ description: 'What the agent answered the arbitrary command' }) answer: string;
}

export class AgentInstallDoc {
  @ApiProperty({ format: 'uuid' }) hostId: string;
  @ApiProperty({ example: '1.0.0' }) agentVersion: string;
  @ApiProperty() installedAt: Date;
  @ApiProperty({ type: [InstallStepDoc] }) steps: InstallStepDoc[];
  @ApiProperty({ type: InstallProofDoc }) proof: InstallProofDoc;
}
