/** What the install needs to know about a Dom0 before it writes anything. */

/** Debian 12 ships Node.js 18.19; the bundle is built for 18. */
export const MIN_NODE_MAJOR = 18;

export interface OsRelease {
  readonly id: string;
  readonly versionId: string;
  readonly prettyName: string;
}

/** /etc/os-release (os-release(5)): KEY=value lines, values optionally quoted. */
export function parseOsRelease(text: string): OsRelease {
  const values = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (!match) continue;
    values.set(match[1] as string, (match[2] as string).replace(/^(["'])(.*)\1$/, '$2'));
  }
  return { id: values.get('ID') ?? '', versionId: values.get('VERSION_ID') ?? '', prettyName: values.get('PRETTY_NAME') ?? '' };
}

/** Debian 12 or later: what carve's Xen reference and the agent's runtime assume. */
export function isSupportedDom0(release: OsRelease): boolean {
  return release.id === 'debian' && /^\d+$/.test(release.versionId) && Number(release.versionId) >= 12;
}

/** `node --version` prints `v18.19.0`; anything else is not a Node.js we can use. */
export function nodeMajor(versionOutput: string): number | null {
  const match = /^v(\d+)\.\d+\.\d+/.exec(versionOutput.trim());
  return match ? Number(match[1]) : null;
}
