import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class HostMarginDoc {
  @ApiProperty() hostId: string;
  @ApiProperty() name: string;
  @ApiProperty() status: string;
  @ApiProperty({ example: '120.00', description: "Revenue attributable to the host before tax, in the report's currency" }) revenue: string;
  @ApiProperty({ example: '100.00', description: 'Its dedicated rentals' }) dedicatedRevenue: string;
  @ApiProperty({ example: '20.00', description: "Its share of shared pools' charges, by the memory their servers held on it" }) poolRevenue: string;
  @ApiProperty({ example: 'EUR' }) costCurrency: string;
  @ApiProperty({ example: '49.00' }) monthlyCost: string;
  @ApiProperty({ example: '24.50', description: 'The monthly cost for the part of the month the host was registered' }) cost: string;
  @ApiProperty({ example: '0.5' }) costShare: string;
  @ApiProperty() prorated: boolean;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'revenue - cost; null when the host costs in another currency' }) margin: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) note: string | null;
}

export class MarginTotalsDoc {
  @ApiProperty() revenue: string;
  @ApiProperty() cost: string;
  @ApiPropertyOptional({ nullable: true, type: String }) margin: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) note: string | null;
}

export class MarginReportDoc {
  @ApiProperty({ example: '2026-10' }) month: string;
  @ApiProperty() timeZone: string;
  @ApiProperty() periodStart: string;
  @ApiProperty() periodEnd: string;
  @ApiPropertyOptional({ nullable: true, type: String, example: 'EUR', description: "The invoices' currency; null when the month has no invoice lines" }) currency: string | null;
  @ApiProperty({ description: 'Final invoices with lines billing the month' }) invoices: number;
  @ApiProperty({ type: [HostMarginDoc] }) hosts: HostMarginDoc[];
  @ApiProperty({ description: 'Charges of pools whose servers held no memory on any host that month' }) unattributedRevenue: string;
  @ApiProperty({ type: MarginTotalsDoc }) totals: MarginTotalsDoc;
  @ApiProperty({ description: 'How revenue and cost were attributed' }) basis: string;
}
