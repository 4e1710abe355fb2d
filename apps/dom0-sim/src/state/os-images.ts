/**
 * The pre-seeded OS archives. A simulated archive is a JSON manifest of the files
 * it would unpack, so `tar -xzf` can record what landed on the filesystem.
 */
export const IMAGE_DIR = '/var/lib/carve/images';

export interface ImageManifest {
  carveSimImage: string;
  files: Record<string, string>;
}

function osRelease(prettyName: string, id: string, versionId: string, codename: string): string {
  return [
    `PRETTY_NAME="${prettyName}"`,
    `NAME="${id === 'debian' ? 'Debian GNU/Linux' : 'Ubuntu'}"`,
    `VERSION_ID="${versionId}"`,
    `VERSION_CODENAME=${codename}`,
    `ID=${id}`,
    '',
  ].join('\n');
}

function manifest(name: string, release: string): string {
  const m: ImageManifest = {
    carveSimImage: name,
    files: {
      '/etc/os-release': release,
      '/etc/hostname': 'localhost\n',
      '/etc/fstab': '/dev/xvda / ext4 errors=remount-ro 0 1\n',
      '/boot/grub/grub.cfg': `# ${name}\n`,
      '/bin/sh': '',
    },
  };
  return JSON.stringify(m);
}

export const SEED_IMAGES: Readonly<Record<string, string>> = {
  [`${IMAGE_DIR}/debian-12.tar.gz`]: manifest('debian-12', osRelease('Debian GNU/Linux 12 (bookworm)', 'debian', '12', 'bookworm')),
  [`${IMAGE_DIR}/ubuntu-24.04.tar.gz`]: manifest('ubuntu-24.04', osRelease('Ubuntu 24.04 LTS', 'ubuntu', '24.04', 'noble')),
};

export function readImageManifest(content: string): ImageManifest | undefined {
  try {
    const parsed: unknown = JSON.parse(content);
    if (typeof parsed === 'object' && parsed !== null && 'carveSimImage' in parsed && 'files' in parsed) return parsed as ImageManifest;
  } catch {
    return undefined;
  }
  return undefined;
}
