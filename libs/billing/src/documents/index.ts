export type { InvoiceDocument, InvoiceDocumentLine, InvoiceSummary } from './invoice-document';
export { LINE_KIND_LABELS, assertInvoiceDocument, lineDescription, lineKindLabel } from './invoice-document';
export { formatMoney, formatPercent, formatPeriod } from './invoice-format';
export { renderInvoicePdf } from './invoice-pdf.renderer';
export { renderInvoiceHtml } from './invoice-html.renderer';
export type { InvoiceCsvRow } from './invoices-csv.export';
export { invoicesCsv } from './invoices-csv.export';
