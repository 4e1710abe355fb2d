/** What the demo prints: numbered chapters, indented details, and who is speaking. */
export class Narrator {
  private chapter = 0;

  constructor(private readonly out: (line: string) => void = (line) => process.stdout.write(`${line}\n`)) {}

  /** A new step of the story, e.g. "3. Operator: sets pool ceilings". */
  step(actor: string, text: string): void {
    this.chapter += 1;
    this.out('');
    this.out(`${this.chapter}. ${actor}: ${text}`);
  }

  detail(text: string): void {
    for (const line of text.split('\n')) this.out(`   ${line}`);
  }

  raw(text: string): void {
    this.out(text);
  }
}
