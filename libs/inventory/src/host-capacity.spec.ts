import { allocatableMemoryMiB, hostCapacity, vcpuCapacity, xenOverheadMiB } from './host-capacity';
import { Host } from './host.entity';

function host(overrides: Partial<Host> = {}): Host {
  return Object.assign(new Host(), {
    cpuThreads: 16,
    vcpuOvercommitRatio: '4.00',
    totalMemoryMiB: 65536,
    dom0MemoryMiB: 4096,
    volumeGroupSizeGiB: 1800,
    allocatedMemoryMiB: 0,
    allocatedDiskGiB: 0,
    allocatedVcpus: 0,
    ...overrides,
  });
}

describe('xenOverheadMiB', () => {
  it.each([
    [1024, 8 + 64],
    [65536, 512 + 64],
    [262144, 2048 + 64],
    // 1/128 rounds up: a partial MiB of frame table is still a MiB Xen keeps.
    [1000, 8 + 64],
    [129, 2 + 64],
  ])('%i MiB of RAM -> %i MiB', (total, overhead) => {
    expect(xenOverheadMiB(total)).toBe(overhead);
  });
});

describe('vcpuCapacity', () => {
  it.each([
    [16, '1', 16],
    [16, '1.5', 24],
    [16, '4.00', 64],
    [16, '4', 64],
    [12, '1.25', 15],
    // Fractions round down: 7 x 1.5 = 10.5 vCPUs is 10.
    [7, '1.5', 10],
    [3, '1.33', 3],
    [1, '64', 64],
    [4096, '64.00', 262144],
    [10, '2.05', 20],
    [10, '2.5', 25],
  ])('%i threads x "%s" -> %i vCPUs', (threads, ratio, vcpus) => {
    expect(vcpuCapacity(threads, ratio)).toBe(vcpus);
  });

  it('never yields NaN or a fraction', () => {
    for (const ratio of ['1', '1.0', '1.01', '1.99', '63.99']) {
      for (const threads of [1, 3, 17, 255]) {
        const vcpus = vcpuCapacity(threads, ratio);
        expect(Number.isInteger(vcpus)).toBe(true);
        expect(vcpus).toBeGreaterThanOrEqual(threads);
      }
    }
  });
});

describe('hostCapacity', () => {
  it('reports total, allocated and free for memory, disk and vCPUs', () => {
    expect(hostCapacity(host({ vcpuOvercommitRatio: '1.50', allocatedMemoryMiB: 2048, allocatedDiskGiB: 100, allocatedVcpus: 4 }))).toEqual({
      memoryMiB: { total: 60864, allocated: 2048, free: 58816, physicalMiB: 65536, dom0ReservedMiB: 4096, xenOverheadMiB: 576 },
      diskGiB: { total: 1800, allocated: 100, free: 1700 },
      vcpus: { total: 24, allocated: 4, free: 20, threads: 16, overcommitRatio: '1.50' },
    });
  });

  it('never reports negative allocatable or free amounts', () => {
    expect(allocatableMemoryMiB({ totalMemoryMiB: 2048, dom0MemoryMiB: 2000 })).toBe(0);
    const over = hostCapacity(host({ allocatedDiskGiB: 2000, allocatedVcpus: 100, allocatedMemoryMiB: 70000 }));
    expect([over.memoryMiB.free, over.diskGiB.free, over.vcpus.free]).toEqual([0, 0, 0]);
  });
});
