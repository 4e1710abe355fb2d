// A worker that dies mid image install leaves the root volume mounted on carve's work directory.
import { Dom0OperationError } from './dom0-operation.error';
import { ClientTestHost, startClientTestHost } from './dom0-client.test-host';

let host: ClientTestHost;
beforeAll(async () => {
  host = await startClientTestHost();
});
afterAll(() => host.close());

async function mounted(volume: string, dir: string): Promise<void> {
  const client = host.client();
  await client.createVolume(volume, 2);
  await client.makeFilesystem(`/dev/vg0/${volume}`, 'ext4');
  await host.simControl(`mkdir -p ${dir}`);
  await host.simControl(`mount /dev/vg0/${volume} ${dir}`);
}

it('removes a volume still mounted on carve\'s own work directory, unmounting it first', async () => {
  await mounted('crashed-root', '/mnt/carve/crashed-root');
  await expect(host.client().removeVolume('crashed-root')).resolves.toEqual({ removed: true });
  expect(host.sim.state.mounts).toEqual([]);
  expect(host.sim.state.vg.lvs.map((lv) => lv.name)).not.toContain('crashed-root');
});

it('leaves a mount anywhere else alone and refuses with volume_in_use', async () => {
  await mounted('someone-elses', '/mnt/other');
  const refused = await host
    .client()
    .removeVolume('someone-elses')
    .catch((e: unknown) => e);
  expect(refused).toBeInstanceOf(Dom0OperationError);
  expect((refused as Dom0OperationError).code).toBe('volume_in_use');
  expect(host.sim.state.mounts.map((m) => m.dir)).toEqual(['/mnt/other']);
});
