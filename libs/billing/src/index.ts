export * from './rules/billing-period';
export * from './rules/currency';
export * from './rules/invoice-rules';
export * from './rules/price-versions';
export * from './rules/rational';
