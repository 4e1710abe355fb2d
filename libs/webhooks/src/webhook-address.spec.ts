import { checkedAddresses, embeddedIpv4, internalAddressReason, parseWebhookUrl, WebhookUrlRefused } from './webhook-address';

const strict = { allowHttp: false, allowPrivate: false };

describe('internalAddressReason', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['10.20.30.40', 'private'],
    ['172.31.255.1', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'link-local (cloud metadata)'],
    ['100.100.1.1', 'carrier-grade NAT'],
    ['0.0.0.0', 'this network'],
    ['224.0.0.1', 'multicast'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fd12:3456::1', 'unique-local'],
    ['fe80::1%eth0', 'link-local'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:a9fe:a9fe', 'link-local (cloud metadata)'],
    ['64:ff9b::10.0.0.1', 'private'],
    ['2002:c0a8:0101::1', 'private'],
  ])('refuses %s (%s)', (address, reason) => {
    expect(internalAddressReason(address)).toBe(reason);
  });

  it.each(['203.0.113.9', '8.8.8.8', '172.32.0.1', '100.128.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8'])('accepts the public %s', (address) => {
    expect(internalAddressReason(address)).toBeNull();
  });

  it('reads the IPv4 address inside mapped, NAT64 and 6to4 addresses', () => {
    expect(embeddedIpv4('::ffff:10.1.2.3')).toBe('10.1.2.3');
    expect(embeddedIpv4('64:ff9b::a01:203')).toBe('10.1.2.3');
    expect(embeddedIpv4('2002:0a01:0203::')).toBe('10.1.2.3');
    expect(embeddedIpv4('2606:4700::1')).toBeNull();
  });
});

describe('parseWebhookUrl', () => {
  it('wants https unless http is allowed, no credentials, an absolute URL', () => {
    expect(() => parseWebhookUrl('http://hooks.example.com/x', strict)).toThrow(/https/);
    expect(parseWebhookUrl('http://hooks.example.com/x', { ...strict, allowHttp: true }).hostname).toBe('hooks.example.com');
    expect(() => parseWebhookUrl('ftp://hooks.example.com/x', { ...strict, allowHttp: true })).toThrow(WebhookUrlRefused);
    expect(() => parseWebhookUrl('https://user:pw@hooks.example.com/x', strict)).toThrow(/user name/);
    expect(() => parseWebhookUrl('/relative', strict)).toThrow(/absolute/);
  });
});

describe('checkedAddresses', () => {
  const resolver = (answers: string[]) => async () => answers.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));

  it('refuses a name when any of its addresses is internal, so a second record cannot smuggle one in', async () => {
    await expect(checkedAddresses('mixed.example', strict, resolver(['203.0.113.9', '10.0.0.5']))).rejects.toThrow(/10\.0\.0\.5, a private address/);
    await expect(checkedAddresses('public.example', strict, resolver(['203.0.113.9', '2606:4700::1']))).resolves.toHaveLength(2);
    await expect(checkedAddresses('mixed.example', { ...strict, allowPrivate: true }, resolver(['10.0.0.5']))).resolves.toHaveLength(1);
  });

  it('refuses a name that does not resolve, and checks literals without a lookup', async () => {
    const failing = async () => {
      throw Object.assign(new Error('nope'), { code: 'ENOTFOUND' });
    };
    await expect(checkedAddresses('gone.example', strict, failing)).rejects.toThrow(/does not resolve \(ENOTFOUND\)/);
    await expect(checkedAddresses('169.254.169.254', strict, failing)).rejects.toThrow(/metadata/);
    await expect(checkedAddresses('::1', strict, failing)).rejects.toThrow(/loopback/);
  });

  it('resolves localhost through the system resolver to a loopback address, refused', async () => {
    await expect(checkedAddresses('localhost', strict)).rejects.toThrow(/localhost resolves to .*loopback/);
  });
});
