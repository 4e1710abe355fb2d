import { ApiProperty } from '@nestjs/swagger';

export class ConsoleTicketDoc {
  @ApiProperty({ example: 'ct_4Jx0...', description: 'Single use, shown once; only its hash is stored' }) ticket: string;
  @ApiProperty({ description: 'The ticket opens no connection after this (60 s after issue)' }) expiresAt: string;
  @ApiProperty() serverId: string;
  @ApiProperty({ example: '/v1/servers/0b6c.../console?ticket=ct_4Jx0...', description: 'Open as a WebSocket on the API origin (ws:// or wss://)' }) url: string;
  @ApiProperty({ description: 'Whether this user may hold the keyboard (admins, operators); viewers watch read-only' }) canType: boolean;
}
