import { ApiProperty } from '@nestjs/swagger';
import { PRICE_KEYS, type PriceKey, type StoredPriceVersion } from '@carve/billing';

/** A version as the operator wrote it: the body of POST /v1/price-book, with its id and who added it when. */
export class PriceVersionView implements Record<PriceKey, string> {
  @ApiProperty() id: string;
  @ApiProperty({ description: 'In force from this instant until the next version takes effect' }) effectiveFrom: Date;
  @ApiProperty({ example: 'EUR' }) currency: string;
  @ApiProperty({ example: '5.00', description: 'Prices: decimal strings in major units of currency, exactly as set' }) ramGibMonth: string;
  @ApiProperty({ example: '4.00' }) vcpuMonth: string;
  @ApiProperty({ example: '0.08' }) diskGibMonth: string;
  @ApiProperty({ example: '0.002' }) transferGbMonth: string;
  @ApiProperty({ example: '0.10' }) transferOverageGb: string;
  @ApiProperty({ example: '0.015' }) cpuHour: string;
  @ApiProperty({ example: '200' }) includedCpuHoursPerVcpuMonth: string;
  @ApiProperty({ example: '0.02' }) ioGb: string;
  @ApiProperty({ example: '10' }) includedIoGbPerDiskGibMonth: string;
  @ApiProperty({ example: '1.50' }) bandwidthMbitMonth: string;
  @ApiProperty() createdAt: Date;
  @ApiProperty({ nullable: true, type: String, description: 'The operator user who added it' }) createdByUserId: string | null;

  static of(v: StoredPriceVersion): PriceVersionView {
    const prices = Object.fromEntries(PRICE_KEYS.map((key) => [key, v.prices[key]])) as Record<PriceKey, string>;
    return Object.assign(new PriceVersionView(), { id: v.id, effectiveFrom: v.effectiveFrom, currency: v.currency, ...prices, createdAt: v.createdAt, createdByUserId: v.createdByUserId });
  }
}
