import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';

export class MarginReportQuery {
  @ApiProperty({ example: '2026-10', description: "A month that has ended, in the operator's billing time zone" })
  @IsString()
  @Matches(/^\d{4}-(0[1-9]|1[0-2])$/, { message: 'must be a month as YYYY-MM' })
  month: string;
}
