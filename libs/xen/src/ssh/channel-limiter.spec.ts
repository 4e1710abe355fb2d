import { ChannelLimiter } from './channel-limiter';

describe('ChannelLimiter', () => {
  it('lets up to the limit through and hands freed slots to waiters in arrival order', async () => {
    const limiter = new ChannelLimiter(2);
    const first = await limiter.acquire();
    const second = await limiter.acquire();
    const order: string[] = [];
    const third = limiter.acquire().then((release) => {
      order.push('third');
      return release;
    });
    const fourth = limiter.acquire().then((release) => {
      order.push('fourth');
      return release;
    });
    expect(limiter.queued).toBe(2);

    first();
    (await third)();
    second();
    (await fourth)();

    expect(order).toEqual(['third', 'fourth']);
    expect(limiter.inUse).toBe(0);
    expect(limiter.peak).toBe(2);
  });

  it('ignores a second release of the same slot', async () => {
    const limiter = new ChannelLimiter(1);
    const release = await limiter.acquire();
    release();
    release();
    expect(limiter.inUse).toBe(0);
  });

  it('rejects a limit that is not a positive integer', () => {
    expect(() => new ChannelLimiter(0)).toThrow(RangeError);
    expect(() => new ChannelLimiter(1.5)).toThrow(RangeError);
  });
});
