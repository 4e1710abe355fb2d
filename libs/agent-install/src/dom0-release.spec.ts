import { isSupportedDom0, nodeMajor, parseOsRelease } from './dom0-release';

describe('what the install reads from a Dom0', () => {
  it("accepts Debian 12's os-release and later Debians, nothing else", () => {
    const bookworm = parseOsRelease('PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nID=debian\n');
    expect(bookworm).toEqual({ id: 'debian', versionId: '12', prettyName: 'Debian GNU/Linux 12 (bookworm)' });
    expect(isSupportedDom0(bookworm)).toBe(true);
    expect(isSupportedDom0(parseOsRelease('ID=debian\nVERSION_ID="13"\n'))).toBe(true);
    expect(isSupportedDom0(parseOsRelease('ID=debian\nVERSION_ID="11"\n'))).toBe(false);
    expect(isSupportedDom0(parseOsRelease('ID=ubuntu\nVERSION_ID="24.04"\n'))).toBe(false);
    expect(isSupportedDom0(parseOsRelease('ID=debian\n'))).toBe(false);
    expect(isSupportedDom0(parseOsRelease(''))).toBe(false);
  });

  it("reads node's major version from `node --version` and nothing else", () => {
    expect(nodeMajor('v18.19.0\n')).toBe(18);
    expect(nodeMajor('v20.20.2')).toBe(20);
    expect(nodeMajor('')).toBeNull();
    expect(nodeMajor('sh: 1: node: not found')).toBeNull();
  });
});
