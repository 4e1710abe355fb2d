import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { WEBHOOK_EVENT_FILTERS, type WebhookEventFilter } from '@carve/webhooks';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';

export class CreateWebhookDto {
  @ApiProperty({
    example: 'https://hooks.example.com/carve',
    description: 'Where events are POSTed: https (http only where WEBHOOK_ALLOW_HTTP is set), at a host whose every address is public (unless WEBHOOK_ALLOW_PRIVATE)',
  })
  @IsString()
  @MaxLength(2000)
  url: string;

  @ApiProperty({ enum: WEBHOOK_EVENT_FILTERS, isArray: true, example: ['*'], description: "Event kinds to send, or '*' for every kind" })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(WEBHOOK_EVENT_FILTERS.length)
  @IsIn(WEBHOOK_EVENT_FILTERS, { each: true })
  events: WebhookEventFilter[];

  @ApiPropertyOptional({ description: 'The signing secret (24-200 printable characters); one is generated when absent. Either way it is shown only in this response.' })
  @IsOptional()
  @IsString()
  @Matches(/^[\x21-\x7e]{24,200}$/, { message: 'must be 24 to 200 printable ASCII characters without spaces' })
  secret?: string;
}
