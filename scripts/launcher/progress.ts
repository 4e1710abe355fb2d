/** The launcher's own output: short lines prefixed `[carve]`, so they stand out from the apps' JSON logs. */
const PREFIX = '[carve]';

export function say(message: string): void {
  console.log(`${PREFIX} ${message}`);
}

export function warn(message: string): void {
  console.error(`${PREFIX} warning: ${message}`);
}

/** Runs a long step between a "..." line and a "done (Ns)" line, so a slow step is visibly alive. */
export async function step<T>(what: string, work: () => Promise<T>): Promise<T> {
  say(`${what}...`);
  const started = process.hrtime.bigint();
  const result = await work();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  say(`${what}: done (${seconds.toFixed(1)} s)`);
  return result;
}

/** A block the eye should find in a scrolling terminal (the token, the URLs). */
export function banner(lines: string[]): void {
  const width = Math.max(...lines.map((l) => l.length)) + 4;
  const rule = '='.repeat(Math.min(width, 100));
  console.log(`\n${rule}`);
  for (const line of lines) console.log(`  ${line}`);
  console.log(`${rule}\n`);
}
