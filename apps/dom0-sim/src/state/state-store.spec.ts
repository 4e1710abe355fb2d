import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SimHostState } from './host-state';
import { createInitialState } from './initial-state';
import { RESCUE_DIR, RESCUE_FILES } from './rescue-image';
import { loadState } from './state-store';

describe('state files', () => {
  it('written before block devices existed: default disks from now on, every LV active with a minor', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dom0-sim-state-'));
    try {
      const { storage: _storage, ...old } = createInitialState({ name: 'old', totalMemoryMiB: 65536, dom0MemMiB: 4096, cpus: 16, vgName: 'vg0', vgSizeGiB: 1800 }, 1_700_000_000);
      const state: Omit<SimHostState, 'storage'> = { ...old, vg: { ...old.vg, lvs: [{ name: 'b', sizeBytes: 1024 ** 3 }, { name: 'a', sizeBytes: 1024 ** 3 }] } };
      const path = join(dir, 'old.json');
      writeFileSync(path, JSON.stringify({ version: 1, simNow: 1_700_000_500, state }));
      const loaded = loadState(path);
      expect(loaded?.state.vg.lvs.map((lv) => [lv.name, lv.kernelMinor])).toEqual([['b', 0], ['a', 1]]);
      expect(loaded?.state.storage).toMatchObject({ capacity: { iops: 250, mbps: 180 }, baseAt: 1_700_000_500 });
      expect(loaded?.state.storage.devices.find((d) => d.use === 'pv')).toEqual({ name: 'md2', kind: 'raid1', members: ['sda3', 'sdb3'], use: 'pv' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('written before hosts had a rescue image: the image from now on; a host that had one keeps what is left of it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dom0-sim-state-'));
    try {
      const fresh = createInitialState({ name: 'old', totalMemoryMiB: 65536, dom0MemMiB: 4096, cpus: 16, vgName: 'vg0', vgSizeGiB: 1800 }, 1_700_000_000);
      const files = Object.fromEntries(Object.entries(fresh.files).filter(([p]) => !p.startsWith(`${RESCUE_DIR}/`)));
      const path = join(dir, 'old.json');
      writeFileSync(path, JSON.stringify({ version: 1, simNow: 1_700_000_500, state: { ...fresh, files, dirs: fresh.dirs.filter((d) => d !== RESCUE_DIR) } }));
      const loaded = loadState(path)!;
      for (const file of Object.keys(RESCUE_FILES)) expect(loaded.state.files[file]).toBe(RESCUE_FILES[file]);
      expect(loaded.state.dirs).toContain(RESCUE_DIR);

      const kernel = `${RESCUE_DIR}/vmlinuz`;
      const { [kernel]: _removed, ...withoutKernel } = fresh.files;
      writeFileSync(path, JSON.stringify({ version: 1, simNow: 1_700_000_500, state: { ...fresh, files: withoutKernel } }));
      expect(loadState(path)!.state.files[kernel]).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
