import { XenArgumentError } from '../errors/xen-argument.error';
import { vifRateNodeValue, xenstoreRemoveVifRateCommand, xenstoreWriteVifRateCommand } from './xenstore.commands';

describe('xenstore vif rate builders', () => {
  it('write the backend rate node as libxl does for rate=NMb/s (bytes per 50 ms interval)', () => {
    expect(xenstoreWriteVifRateCommand(7, 0, 100).line).toBe('xenstore-write /local/domain/0/backend/vif/7/0/rate 625000,50000');
    expect(xenstoreRemoveVifRateCommand(7, 1).line).toBe('xenstore-rm /local/domain/0/backend/vif/7/1/rate');
    expect(vifRateNodeValue(1)).toBe('6250,50000');
    expect(vifRateNodeValue(100_000)).toBe('625000000,50000');
  });

  it.each([
    [() => xenstoreWriteVifRateCommand(0, 0, 10), 'domid'],
    [() => xenstoreWriteVifRateCommand(0x7ff0, 0, 10), 'domid'],
    [() => xenstoreWriteVifRateCommand(1.5, 0, 10), 'domid'],
    [() => xenstoreWriteVifRateCommand(3, -1, 10), 'devid'],
    [() => xenstoreWriteVifRateCommand(3, 4096, 10), 'devid'],
    [() => xenstoreWriteVifRateCommand(3, 0, 0), 'rateMbit'],
    [() => xenstoreWriteVifRateCommand(3, 0, 100_001), 'rateMbit'],
    [() => xenstoreWriteVifRateCommand(3, 0, '10; reboot' as unknown as number), 'rateMbit'],
    [() => xenstoreRemoveVifRateCommand('1 /' as unknown as number, 0), 'domid'],
  ])('refuses bad input (%#: %s)', (build, field) => {
    expect(build).toThrow(XenArgumentError);
    expect(build).toThrow(new RegExp(field));
  });
});
