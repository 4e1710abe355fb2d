import { archivePathProblems } from './archive-path';

describe('archivePathProblems', () => {
  it.each(['/var/lib/carve/images/debian-12.tar.gz', '/var/lib/carve/images/ubuntu-24.04.tar.xz', '/srv/img/alpine_3.20+extra.tar.gz'])('accepts %s', (path) => {
    expect(archivePathProblems(path)).toEqual([]);
  });

  it('names the rule each bad path breaks', () => {
    expect(archivePathProblems('images/debian.tar.gz')).toEqual([{ field: 'archivePath', message: 'must be absolute' }]);
    expect(archivePathProblems('/a/../b.tar.gz')).toEqual([{ field: 'archivePath', message: 'must not contain a .. segment' }]);
    expect(archivePathProblems('/a/$(id).tar.gz')).toEqual([{ field: 'archivePath', message: 'may contain only letters, digits and . _ + / -' }]);
    expect(archivePathProblems('/a/b.tgz')).toEqual([{ field: 'archivePath', message: 'must name a .tar.gz or .tar.xz file' }]);
    expect(archivePathProblems('/a/.tar.xz')).toEqual([{ field: 'archivePath', message: 'must name a .tar.gz or .tar.xz file' }]);
  });
});
