import { XenParseError } from '../errors/xen-parse.error';
import { buildCommand } from './build-command';
import { asVerb, Dom0Command, Dom0Query } from './dom0-command';
import { lvDevicePath, LvRef } from './lvm.commands';

/** The LV's bytes to stdout (a move reads the source volume through the worker). */
export function ddReadCommand(ref: LvRef): Dom0Command {
  const device = lvDevicePath(ref);
  return asVerb('volume.read', { vg: ref.vg, lv: ref.lv }, buildCommand(['dd', `if=${device}`, 'bs=4M', 'status=none'], `stream ${device} out`));
}

/** stdin onto the LV until EOF (a move writes the target volume). */
export function ddWriteCommand(ref: LvRef): Dom0Command {
  const device = lvDevicePath(ref);
  return asVerb('volume.write', { vg: ref.vg, lv: ref.lv }, buildCommand(['dd', `of=${device}`, 'bs=4M', 'iflag=fullblock', 'conv=fsync', 'status=none'], `stream into ${device}`));
}

/** `sha256sum /dev/VG/LV`: the digest of every byte of the volume. */
export function volumeChecksumQuery(ref: LvRef): Dom0Query<string> {
  const device = lvDevicePath(ref);
  return {
    command: asVerb('volume.checksum', { vg: ref.vg, lv: ref.lv }, buildCommand(['sha256sum', device], `checksum ${device}`)),
    parse: (stdout) => {
      const match = /^([0-9a-f]{64}) [ *](.+)$/m.exec(stdout.trim());
      if (!match || match[2] !== device) throw new XenParseError('sha256sum', 1, stdout.slice(0, 200), `expected "<64 hex digits>  ${device}"`);
      return match[1]!;
    },
  };
}
