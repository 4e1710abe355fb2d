import { ApiProperty } from '@nestjs/swagger';
import { PRICE_FORMAT } from '@carve/billing';
import { IsCurrencyCode, IsInstant, IsPrice } from './billing-validators';

const price = (example: string, what: string) => ({ example, type: String, description: `${what}. ${PRICE_FORMAT}` });

/**
 * A new price book version. Every price is a decimal string in major units of `currency`,
 * per unit: it may have more decimals than the currency's minor unit (amounts are rounded
 * once, per invoice line).
 */
export class CreatePriceVersionDto {
  @ApiProperty({ example: '2026-01-01T00:00:00Z', format: 'date-time', description: 'In force from this instant until the next version\'s effectiveFrom. Not before the end of a period with final invoices (409 period_finalised).' })
  @IsInstant()
  effectiveFrom: string;

  @ApiProperty({ example: 'EUR', description: 'ISO 4217; invoice amounts are in its minor units (2 decimals for EUR, 0 for JPY)' })
  @IsCurrencyCode()
  currency: string;

  @ApiProperty(price('5.00', 'Per GiB of RAM per month (pools, prorated to the second)'))
  @IsPrice()
  ramGibMonth: string;

  @ApiProperty(price('4.00', 'Per vCPU per month'))
  @IsPrice()
  vcpuMonth: string;

  @ApiProperty(price('0.08', 'Per GiB of disk per month'))
  @IsPrice()
  diskGibMonth: string;

  @ApiProperty(price('0.002', "Per GB of a pool's monthly transfer allowance per month (pools billed by transfer)"))
  @IsPrice()
  transferGbMonth: string;

  @ApiProperty(price('0.10', 'Per GB sent beyond the allowance'))
  @IsPrice()
  transferOverageGb: string;

  @ApiProperty(price('0.015', 'Per CPU hour beyond what the pool includes'))
  @IsPrice()
  cpuHour: string;

  @ApiProperty(price('200', 'CPU hours included per vCPU-month of the pool'))
  @IsPrice()
  includedCpuHoursPerVcpuMonth: string;

  @ApiProperty(price('0.02', 'Per GB read + written beyond what the pool includes'))
  @IsPrice()
  ioGb: string;

  @ApiProperty(price('10', 'IO GB included per GiB-month of disk'))
  @IsPrice()
  includedIoGbPerDiskGibMonth: string;

  @ApiProperty(price('1.50', 'Per Mbit/s of 95th percentile bandwidth per month (pools billed by p95)'))
  @IsPrice()
  bandwidthMbitMonth: string;
}
