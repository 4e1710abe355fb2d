import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class CustomerView {
  @ApiProperty() id: string;
  @ApiProperty() name: string;
  @ApiPropertyOptional({ nullable: true, type: String }) contactEmail: string | null;
  @ApiProperty({ enum: ['active', 'suspended'] }) status: string;
  @ApiProperty({ example: '0.10', description: 'Tax on each invoice\'s subtotal, as a decimal fraction (0 <= rate < 1)' }) taxRate: string;
  @ApiProperty() createdAt: Date;
  @ApiProperty() updatedAt: Date;
}

export class UserView {
  @ApiProperty() id: string;
  @ApiPropertyOptional({ nullable: true, type: String }) customerId: string | null;
  @ApiProperty() name: string;
  @ApiProperty() email: string;
  @ApiProperty({ enum: ['operator', 'admin', 'viewer'] }) role: string;
  @ApiProperty() createdAt: Date;
}

export class CreatedCustomerView extends CustomerView {
  @ApiProperty({ type: UserView }) admin: UserView;
}

export class CustomerPage {
  @ApiProperty({ type: [CustomerView] }) items: CustomerView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export class TokenView {
  @ApiProperty() id: string;
  @ApiProperty() name: string;
  @ApiProperty({ description: 'Visible part of the token: carve_<prefix>_...' }) prefix: string;
  @ApiProperty() userId: string;
  @ApiPropertyOptional({ nullable: true, type: String }) customerId: string | null;
  @ApiProperty() createdAt: Date;
  @ApiPropertyOptional({ nullable: true, type: Date }) lastUsedAt: Date | null;
  @ApiPropertyOptional({ nullable: true, type: Date }) expiresAt: Date | null;
  @ApiPropertyOptional({ nullable: true, type: Date }) revokedAt: Date | null;
}

export class IssuedTokenView extends TokenView {
  @ApiProperty({ description: 'The token. Shown only in this response; store it now.' }) token: string;
}

export class TokenPage {
  @ApiProperty({ type: [TokenView] }) items: TokenView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export class UserPage {
  @ApiProperty({ type: [UserView] }) items: UserView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}
