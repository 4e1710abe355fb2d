import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class CreditNoteLineDoc {
  @ApiProperty() n: number;
  @ApiPropertyOptional({ nullable: true, type: Number, description: 'The invoice line it credits; null for a free line' }) invoiceLine: number | null;
  @ApiProperty() description: string;
  @ApiProperty({ example: '4.10', description: 'Before tax, major units' }) amount: string;
}

export class CreditNoteDoc {
  @ApiProperty() id: string;
  @ApiProperty({ example: 'CN-2026-000001', description: 'Numbered in its own sequence, without gaps' }) number: string;
  @ApiProperty() invoiceId: string;
  @ApiProperty({ example: 'INV-2026-000123' }) invoiceNumber: string;
  @ApiProperty() customerId: string;
  @ApiProperty() customerName: string;
  @ApiProperty() reason: string;
  @ApiProperty({ example: 'EUR' }) currency: string;
  @ApiProperty({ example: '0.19', description: "The invoice's tax rate" }) taxRate: string;
  @ApiProperty({ example: '4.10' }) subtotal: string;
  @ApiProperty({ example: '0.78' }) tax: string;
  @ApiProperty({ example: '4.88' }) total: string;
  @ApiProperty() issuedAt: string;
  @ApiProperty({ type: [CreditNoteLineDoc] }) lines: CreditNoteLineDoc[];
}

export class CreditNotePage {
  @ApiProperty({ type: [CreditNoteDoc] }) items: CreditNoteDoc[];
  @ApiPropertyOptional({ nullable: true, type: String }) nextCursor: string | null;
}
