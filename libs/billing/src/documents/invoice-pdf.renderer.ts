import PDFDocument from 'pdfkit';
import { assertInvoiceDocument, InvoiceDocument, InvoiceDocumentLine, lineKindLabel } from './invoice-document';
import { formatDate, formatMoney, formatMonth, formatPercent, formatPeriodDays, formatQuantity, formatUnitPrice } from './invoice-format';

type Pdf = PDFKit.PDFDocument;
type FontName = 'Helvetica' | 'Helvetica-Bold' | 'Helvetica-Oblique';

/** A piece of text in one font, size and colour; a table cell is a few of them stacked. */
interface Run {
  text: string;
  font?: FontName;
  size?: number;
  color?: string;
}

interface Column {
  title: string;
  width: number;
  align: 'left' | 'right';
  cell: (line: InvoiceDocumentLine, doc: InvoiceDocument) => Run[];
}

const PAGE = { size: 'A4', width: 595.28, height: 841.89 } as const;
const MARGIN = { top: 50, left: 50, right: 50, bottom: 64 } as const;
const CONTENT_WIDTH = PAGE.width - MARGIN.left - MARGIN.right;
const FOOTER_Y = PAGE.height - 40;
const BODY_SIZE = 9;
const PAD_X = 4;
const PAD_Y = 4;
const INK = '#1a1a1a';
const MUTED = '#666666';
const RULE = '#d9d9d9';
const HEADER_FILL = '#eef1f4';

const COLUMNS: Column[] = [
  { title: '#', width: 22, align: 'left', cell: (l) => [{ text: String(l.n), color: MUTED }] },
  { title: 'Pool', width: 112, align: 'left', cell: (l) => [{ text: l.pool }] },
  {
    title: 'Item',
    width: 118,
    align: 'left',
    cell: (l) => [{ text: lineKindLabel(l.kind) }, ...(l.adjustment ? [{ text: `adjustment for ${l.period}`, font: 'Helvetica-Oblique' as const, size: 8, color: MUTED }] : [])],
  },
  { title: 'Quantity', width: 90, align: 'right', cell: (l) => [{ text: formatQuantity(l.quantity, l.unit) }] },
  { title: 'Unit price', width: 66, align: 'right', cell: (l, d) => [{ text: formatUnitPrice(l.unitPrice, d.currency) }] },
  { title: 'Amount', width: CONTENT_WIDTH - 22 - 112 - 118 - 90 - 66, align: 'right', cell: (l, d) => [{ text: formatMoney(l.amount, d.currency) }] },
];

/**
 * Helvetica (a PDF standard font, nothing embedded) can show only WinAnsi characters; pdfkit
 * would write any other code point as bytes of unrelated glyphs. Accents are dropped where
 * that leaves a Latin letter (Ł stays ?, ş becomes s) and anything else becomes "?", so a
 * name in another script is visibly missing rather than silently wrong. The HTML page shows it exactly.
 */
const WIN_ANSI_EXTRA = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ');
function winAnsi(text: string): string {
  const encodable = (c: string) => {
    const code = c.codePointAt(0)!;
    return (code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff) || WIN_ANSI_EXTRA.has(c);
  };
  let out = '';
  for (const c of text) {
    if (encodable(c)) out += c;
    else if (/\s/u.test(c)) out += ' ';
    else {
      const base = c.normalize('NFKD').replace(/\p{M}/gu, '');
      out += base !== '' && [...base].every(encodable) ? base : '?';
    }
  }
  return out;
}

function setRun(pdf: Pdf, run: Run): void {
  pdf.font(run.font ?? 'Helvetica').fontSize(run.size ?? BODY_SIZE).fillColor(run.color ?? INK);
}

function runsHeight(pdf: Pdf, runs: Run[], width: number): number {
  return runs.reduce((h, run) => {
    setRun(pdf, run);
    return h + pdf.heightOfString(winAnsi(run.text), { width });
  }, 0);
}

/** Writes runs stacked from (x, y); returns the y below them. */
function writeRuns(pdf: Pdf, runs: Run[], x: number, y: number, width: number, align: 'left' | 'right' = 'left'): number {
  let top = y;
  for (const run of runs) {
    setRun(pdf, run);
    const text = winAnsi(run.text);
    pdf.text(text, x, top, { width, align });
    top += pdf.heightOfString(text, { width });
  }
  return top;
}

function drawHeader(pdf: Pdf, doc: InvoiceDocument): number {
  const leftWidth = 270;
  const rightX = MARGIN.left + leftWidth + 20;
  const rightWidth = CONTENT_WIDTH - leftWidth - 20;
  const operatorLines: Run[] = [
    { text: doc.operator.name, font: 'Helvetica-Bold', size: 15 },
    ...(doc.operator.address ?? []).map((text) => ({ text, color: MUTED })),
    ...(doc.operator.email ? [{ text: doc.operator.email, color: MUTED }] : []),
  ];
  const leftBottom = writeRuns(pdf, operatorLines, MARGIN.left, MARGIN.top, leftWidth);
  const rightBottom = writeRuns(
    pdf,
    [
      { text: `Invoice ${doc.number}`, font: 'Helvetica-Bold', size: 15 },
      { text: `Issued ${formatDate(doc.issuedAt, doc.timeZone)}`, color: MUTED },
    ],
    rightX,
    MARGIN.top,
    rightWidth,
    'right',
  );
  let y = Math.max(leftBottom, rightBottom) + 14;
  pdf.moveTo(MARGIN.left, y).lineTo(PAGE.width - MARGIN.right, y).lineWidth(0.75).strokeColor(RULE).stroke();
  y += 14;

  const label = (text: string): Run => ({ text: text.toUpperCase(), font: 'Helvetica-Bold', size: 7.5, color: MUTED });
  const billTo: Run[] = [label('Bill to'), { text: doc.customer.name, font: 'Helvetica-Bold', size: 11 }, ...(doc.customer.email ? [{ text: doc.customer.email, color: MUTED }] : [])];
  const period: Run[] = [label('Period'), { text: formatMonth(doc.period), font: 'Helvetica-Bold', size: 11 }, { text: formatPeriodDays(doc), color: MUTED }, { text: `${doc.timeZone} time`, color: MUTED }];
  return Math.max(writeRuns(pdf, billTo, MARGIN.left, y, leftWidth), writeRuns(pdf, period, rightX, y, rightWidth, 'right')) + 22;
}

/** Starts a page that says whose invoice it continues; returns the y to go on from. */
function continuationPage(pdf: Pdf, doc: InvoiceDocument): number {
  pdf.addPage();
  return writeRuns(pdf, [{ text: `Invoice ${doc.number} for ${doc.customer.name} (continued)`, color: MUTED }], MARGIN.left, MARGIN.top, CONTENT_WIDTH) + 8;
}

function drawTableHeader(pdf: Pdf, y: number): number {
  const runs = COLUMNS.map((c): Run[] => [{ text: c.title, font: 'Helvetica-Bold', size: 8 }]);
  const height = Math.max(...COLUMNS.map((c, i) => runsHeight(pdf, runs[i]!, c.width - 2 * PAD_X))) + 2 * PAD_Y;
  pdf.rect(MARGIN.left, y, CONTENT_WIDTH, height).fill(HEADER_FILL);
  let x = MARGIN.left;
  COLUMNS.forEach((c, i) => {
    writeRuns(pdf, runs[i]!, x + PAD_X, y + PAD_Y, c.width - 2 * PAD_X, c.align);
    x += c.width;
  });
  return y + height;
}

function drawLines(pdf: Pdf, doc: InvoiceDocument, top: number): number {
  const maxY = PAGE.height - MARGIN.bottom;
  let y = drawTableHeader(pdf, top);
  for (const line of doc.lines) {
    const cells = COLUMNS.map((c) => c.cell(line, doc));
    const height = Math.max(...COLUMNS.map((c, i) => runsHeight(pdf, cells[i]!, c.width - 2 * PAD_X))) + 2 * PAD_Y;
    if (y + height > maxY) y = drawTableHeader(pdf, continuationPage(pdf, doc));
    let x = MARGIN.left;
    COLUMNS.forEach((c, i) => {
      writeRuns(pdf, cells[i]!, x + PAD_X, y + PAD_Y, c.width - 2 * PAD_X, c.align);
      x += c.width;
    });
    y += height;
    pdf.moveTo(MARGIN.left, y).lineTo(PAGE.width - MARGIN.right, y).lineWidth(0.5).strokeColor(RULE).stroke();
  }
  if (doc.lines.length === 0) y = writeRuns(pdf, [{ text: 'Nothing was charged for this period.', color: MUTED }], MARGIN.left + PAD_X, y + PAD_Y, CONTENT_WIDTH) + PAD_Y;
  return y;
}

function drawTotals(pdf: Pdf, doc: InvoiceDocument, top: number): void {
  const rows: [string, string, boolean][] = [
    ['Subtotal', formatMoney(doc.subtotal, doc.currency), false],
    [`Tax (${formatPercent(doc.taxRate)})`, formatMoney(doc.tax, doc.currency), false],
    ['Total', formatMoney(doc.total, doc.currency), true],
  ];
  const labelX = MARGIN.left + CONTENT_WIDTH - 250;
  const valueWidth = 140;
  const valueX = PAGE.width - MARGIN.right - valueWidth;
  let y = top + 12;
  if (y + 80 > PAGE.height - MARGIN.bottom) y = continuationPage(pdf, doc) + 4;
  for (const [label, value, bold] of rows) {
    if (bold) {
      y += 4;
      pdf.moveTo(labelX, y).lineTo(PAGE.width - MARGIN.right, y).lineWidth(1).strokeColor(INK).stroke();
      y += 6;
    }
    const run: Run = bold ? { text: label, font: 'Helvetica-Bold', size: 12 } : { text: label };
    writeRuns(pdf, [run], labelX + PAD_X, y, valueX - labelX - PAD_X);
    y = writeRuns(pdf, [{ ...run, text: value }], valueX, y, valueWidth - PAD_X, 'right') + 4;
  }
}

function drawFooters(pdf: Pdf, doc: InvoiceDocument): void {
  const { start, count } = pdf.bufferedPageRange();
  for (let i = start; i < start + count; i++) {
    pdf.switchToPage(i);
    // The footer sits in the bottom margin; without this pdfkit would start a new page for it.
    pdf.page.margins.bottom = 0;
    pdf.moveTo(MARGIN.left, FOOTER_Y - 8).lineTo(PAGE.width - MARGIN.right, FOOTER_Y - 8).lineWidth(0.5).strokeColor(RULE).stroke();
    setRun(pdf, { text: '', size: 8, color: MUTED });
    const pageLabel = `Page ${i - start + 1} of ${count}`;
    pdf.text(winAnsi(`${doc.operator.name} · Invoice ${doc.number}`), MARGIN.left, FOOTER_Y, { width: CONTENT_WIDTH - 90, lineBreak: false, ellipsis: true, height: 10 });
    pdf.text(pageLabel, PAGE.width - MARGIN.right - 90, FOOTER_Y, { width: 90, align: 'right', lineBreak: false });
  }
}

/**
 * The invoice as an A4 PDF: operator, invoice number, customer, period in its time zone, the
 * lines (the table header repeated on each page), subtotal, tax and total, page numbers.
 * The same document gives the same bytes: the PDF's dates come from `issuedAt`.
 */
export async function renderInvoicePdf(doc: InvoiceDocument): Promise<Buffer> {
  assertInvoiceDocument(doc);
  const issued = new Date(doc.issuedAt);
  const pdf: Pdf = new PDFDocument({
    size: PAGE.size,
    margins: MARGIN,
    bufferPages: true,
    info: { Title: winAnsi(`Invoice ${doc.number}`), Author: winAnsi(doc.operator.name), Creator: 'carve', CreationDate: issued, ModDate: issued },
  });
  const done = new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    pdf.on('data', (chunk: Buffer) => chunks.push(chunk));
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
  });
  const afterHeader = drawHeader(pdf, doc);
  drawTotals(pdf, doc, drawLines(pdf, doc, afterHeader));
  drawFooters(pdf, doc);
  pdf.end();
  return done;
}
