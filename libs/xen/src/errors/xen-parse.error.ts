/**
 * Output from a Dom0 could not be read. Names the parser, the 1-based line number
 * and the offending line, so an operator can find it in the captured output.
 */
export class XenParseError extends Error {
  readonly code = 'XEN_PARSE_FAILED';

  constructor(
    readonly parser: string,
    readonly lineNumber: number,
    readonly line: string,
    readonly reason: string,
  ) {
    super(`${parser}: line ${lineNumber}: ${reason}: ${JSON.stringify(line)}`);
    this.name = 'XenParseError';
  }
}
