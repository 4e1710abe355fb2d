// Medium test: how Dom0Client fails, over real SSH against the simulator. Known
// Xen/LVM refusals are Dom0OperationError (permanent, with a code the job runner
// shows); transport faults stay the transport's typed errors.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { CommandTimeoutError, ConnectionDroppedError } from '../ssh/dom0-transport.errors';
import { XenArgumentError } from '../errors/xen-argument.error';
import { ClientTestHost, domainSpec, startClientTestHost } from './dom0-client.test-host';
import { Dom0Client } from './dom0-client';
import { Dom0FailureCode, Dom0OperationError } from './dom0-operation.error';

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the operation to fail');
}

async function code(promise: Promise<unknown>): Promise<Dom0FailureCode | string> {
  const error = await failure(promise);
  if (!(error instanceof Dom0OperationError)) throw error;
  expect(error.transient).toBe(false);
  return error.code;
}

describe('Dom0Client typed failures against the simulator', () => {
  let host: ClientTestHost;
  let client: Dom0Client;

  beforeAll(async () => {
    host = await startClientTestHost({ totalMemoryMiB: 16384, vgSizeGiB: 100 });
    client = host.client();
    for (const [lv, size] of [['run1-root', 10], ['run1-root2', 10], ['run1-swap', 1]] as const) await client.createVolume(lv, size);
    await client.makeFilesystem('/dev/vg0/run1-root', 'ext4');
    await client.writeDomainConfig(domainSpec('run1'));
    await client.createDomain('run1');
  });
  afterEach(() => host.simControl('carve-sim clear-faults'));
  afterAll(() => host.close());

  it('not enough host memory: insufficient_host_memory', async () => {
    await client.writeDomainConfig(domainSpec('huge', { memoryMiB: 20000, maxMemoryMiB: 20000 }));
    const error = await failure(client.createDomain('huge'));
    expect(error).toBeInstanceOf(Dom0OperationError);
    expect(error).toMatchObject({ code: 'insufficient_host_memory', transient: false, hostId: 'sim-client-spec', detail: { exitCode: 1 } });
    expect((error as Dom0OperationError).detail.stderr).toContain('failed to free memory for the domain');
    expect(await client.domainByName('huge')).toBeNull();
  });

  it('volume group too small: volume_group_full', async () => {
    expect(await code(client.createVolume('big', 500))).toBe('volume_group_full');
    expect(await client.volumeExists('big')).toBe(false);
  });

  it('the same volume name with another size: volume_size_mismatch', async () => {
    expect(await code(client.createVolume('run1-root', 20))).toBe('volume_size_mismatch');
  });

  it('memory and vCPUs above the maxima: above_maxmem, above_maxvcpus', async () => {
    expect(await code(client.setMemory('run1', 8192))).toBe('above_maxmem');
    expect(await code(client.setVcpus('run1', 8))).toBe('above_maxvcpus');
    expect(await client.domainByName('run1')).toMatchObject({ memoryMiB: 2048, vcpus: 2 });
  });

  it('a smaller size than the volume has: shrink_refused', async () => {
    expect(await code(client.growVolume('run1-root', 5, 'ext4'))).toBe('shrink_refused');
    expect(await code(client.growVolume('nope', 5))).toBe('volume_not_found');
  });

  it('another filesystem already on the device: filesystem_mismatch, nothing wiped', async () => {
    expect(await code(client.makeFilesystem('/dev/vg0/run1-root', 'xfs'))).toBe('filesystem_mismatch');
    expect(await client.filesystemType('/dev/vg0/run1-root')).toBe('ext4');
  });

  it('the disks of a running domain: volume_in_use, device_busy', async () => {
    expect(await code(client.removeVolume('run1-root'))).toBe('volume_in_use');
    const install = { rootDevice: '/dev/vg0/run1-root', imageArchive: '/var/lib/carve/images/debian-12.tar.gz', hostname: 'run1', fstab: '', authorizedKeys: [] };
    expect(await code(client.installImage(install))).toBe('device_busy');
    await client.createVolume('spare', 1);
    await client.makeFilesystem('/dev/vg0/spare', 'ext4');
    expect(await code(client.installImage({ ...install, rootDevice: '/dev/vg0/spare', imageArchive: '/var/lib/carve/images/nope.tar.gz' }))).toBe('image_missing');
    expect(await code(client.attachDisk('run1', { device: '/dev/vg0/spare', vdev: 'xvda' }))).toBe('vdev_in_use');
  });

  it('an absent domain: domain_not_found for changes, no-ops for removals', async () => {
    expect(await code(client.setMemory('ghost', 1024))).toBe('domain_not_found');
    expect(await code(client.rebootDomain('ghost'))).toBe('domain_not_found');
    expect(await client.destroyDomain('ghost')).toEqual({ destroyed: false });
    expect(await client.detachDisk('ghost', 'xvdb')).toEqual({ detached: false });
    expect(await client.shutdownDomain('ghost', { timeoutMs: 1000 })).toEqual({ outcome: 'absent' });
  });

  it('refuses shell metacharacters before anything runs', async () => {
    await expect(client.createVolume('x; reboot', 1)).rejects.toBeInstanceOf(XenArgumentError);
    await expect(client.installImage({ rootDevice: '/dev/vg0/spare', imageArchive: '/x.tar.gz', hostname: 'a b', fstab: '', authorizedKeys: [] })).rejects.toBeInstanceOf(XenArgumentError);
    expect(await client.volumeExists('x')).toBe(false);
  });

  it('an injected failure with a known stderr becomes that typed error, once', async () => {
    await host.simControl(`carve-sim fail --match 'xl create' --count 1 --exit 1 --stderr 'libxl: error: libxl_create.c:662:libxl__domain_make: Domain with name "run2" already exists.'`);
    await client.writeDomainConfig(domainSpec('run2', { disks: [{ target: '/dev/vg0/spare', vdev: 'xvda', access: 'w' }] }));
    expect(await code(client.createDomain('run2'))).toBe('domain_exists');
    expect(await client.createDomain('run2')).toMatchObject({ created: true });
    await client.destroyDomain('run2');
  });

  it('a request whose connection dropped is sent again once, with the same id', async () => {
    await host.simControl("carve-sim drop --match 'lvs' --count 1");
    expect((await client.listVolumes()).map((lv) => lv.name)).toContain('run1-root');
  });

  it('dropped again on the resend it is ConnectionDroppedError (transient); the next call reconnects', async () => {
    await host.simControl("carve-sim drop --match 'lvs' --count 2");
    const error = await failure(client.listVolumes());
    expect(error).toBeInstanceOf(ConnectionDroppedError);
    expect(error).toMatchObject({ transient: true });
    expect((await client.listVolumes()).map((lv) => lv.name)).toContain('run1-root');
  });

  it('a command held past its timeout is CommandTimeoutError and never runs', async () => {
    await host.simControl("carve-sim delay --match 'lvcreate' --ms 60000 --count 1");
    const error = await failure(host.client({ commandTimeoutMs: 300 }).createVolume('late', 1));
    expect(error).toBeInstanceOf(CommandTimeoutError);
    expect(error).toMatchObject({ transient: true });
    expect(await client.volumeExists('late')).toBe(false);
  });

  it('a guest that does not shut down in time is destroyed', async () => {
    await host.simControl("carve-sim delay --match 'xl shutdown' --ms 60000 --count 1");
    expect(await client.shutdownDomain('run1', { timeoutMs: 300 })).toEqual({ outcome: 'destroyed-after-timeout' });
    expect(await client.domainByName('run1')).toBeNull();
  });
});
