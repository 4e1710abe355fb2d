import { belowAllocation, ceilingExcesses, shortages } from './pool-resources';

describe('ceilingExcesses', () => {
  const ceiling = { memoryMiB: 8192, vcpus: 8, diskGiB: 100, transferGB: 1000 };

  it('is empty when the other pools plus the request fit exactly', () => {
    expect(ceilingExcesses(ceiling, { memoryMiB: 4096, vcpus: 4, diskGiB: 50, transferGB: 500 }, { memoryMiB: 4096, vcpus: 4, diskGiB: 50, transferGB: 500 })).toEqual([]);
  });

  it('names each resource over the ceiling with what is left for this pool', () => {
    expect(ceilingExcesses(ceiling, { memoryMiB: 6144, vcpus: 0, diskGiB: 0, transferGB: 0 }, { memoryMiB: 4096, vcpus: 1, diskGiB: 101, transferGB: 0 })).toEqual([
      { resource: 'memoryMiB', requested: 4096, available: 2048 },
      { resource: 'diskGiB', requested: 101, available: 100 },
    ]);
  });

  it('never reports a negative available amount', () => {
    expect(ceilingExcesses({ memoryMiB: 0, vcpus: 0, diskGiB: 0, transferGB: 0 }, { memoryMiB: 10, vcpus: 0, diskGiB: 0, transferGB: 0 }, { memoryMiB: 1, vcpus: 0, diskGiB: 0, transferGB: 0 })).toEqual([
      { resource: 'memoryMiB', requested: 1, available: 0 },
    ]);
  });
});

describe('belowAllocation and shortages', () => {
  it('reports sizes below what servers hold, equal is fine', () => {
    expect(belowAllocation({ memoryMiB: 1024, vcpus: 2, diskGiB: 9 }, { memoryMiB: 1024, vcpus: 3, diskGiB: 10 })).toEqual([
      { resource: 'vcpus', requested: 2, inUse: 3 },
      { resource: 'diskGiB', requested: 9, inUse: 10 },
    ]);
  });

  it('reports requests beyond free headroom, exactly free is fine', () => {
    expect(shortages({ memoryMiB: 4096, vcpus: 2, diskGiB: 10 }, { memoryMiB: 2048, vcpus: 2, diskGiB: 10 })).toEqual([{ resource: 'memoryMiB', requested: 4096, free: 2048 }]);
  });
});
