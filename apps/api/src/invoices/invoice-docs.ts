import { Inject, Injectable } from '@nestjs/common';
import { CarveConfig } from '@carve/config';
import { InvoiceDocument, InvoiceView, InvoiceViews, invoicesCsv, renderInvoiceHtml, renderInvoicePdf } from '@carve/billing';
import { Actor } from '@carve/tenancy';

/** An invoice as a document: the same view the JSON route shows, with the operator's name on top. */
export function invoiceDocument(view: InvoiceView, operatorName: string, customerEmail?: string | null): InvoiceDocument {
  return {
    number: view.number,
    issuedAt: view.issuedAt,
    period: view.period,
    timeZone: view.timeZone,
    periodStart: view.periodStart,
    periodEnd: view.periodEnd,
    currency: view.currency,
    taxRate: view.taxRate,
    subtotal: view.subtotal,
    tax: view.tax,
    total: view.total,
    operator: { name: operatorName },
    customer: { name: view.customerName, email: customerEmail ?? null },
    lines: view.lines.map((l) => ({ n: l.n, pool: l.pool, kind: l.kind, period: l.period, adjustment: l.adjustment, quantity: l.quantity, unit: l.unit, unitPrice: l.unitPrice, amount: l.amount })),
  };
}

@Injectable()
export class InvoiceDocs {
  constructor(
    private readonly views: InvoiceViews,
    @Inject(CarveConfig) private readonly config: CarveConfig,
  ) {}

  async pdf(actor: Actor, id: string): Promise<{ number: string; body: Buffer }> {
    const view = await this.views.get(actor, id);
    return { number: view.number, body: await renderInvoicePdf(invoiceDocument(view, this.config.operatorName)) };
  }

  /** The accountant's CSV of a period's final invoices, in number order. */
  async csv(actor: Actor, period: string): Promise<string> {
    const views = await this.views.ofPeriod(actor, period);
    return invoicesCsv(
      views.map((view) => {
        const { operator: _operator, lines, ...summary } = invoiceDocument(view, this.config.operatorName, view.customerEmail);
        return { invoice: { ...summary, customerId: view.customerId }, lines };
      }),
    );
  }

  async html(actor: Actor, id: string): Promise<string> {
    return renderInvoiceHtml(invoiceDocument(await this.views.get(actor, id), this.config.operatorName));
  }
}
