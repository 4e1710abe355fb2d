import { XenArgumentError } from '../errors/xen-argument.error';
import { xlConsoleCommand } from './xl-console.commands';

describe('xlConsoleCommand', () => {
  it('attaches to the PV console of a named domain', () => {
    expect(xlConsoleCommand('web1.example').line).toBe('xl console -t pv web1.example');
  });

  it('refuses anything that is not a domain name', () => {
    for (const bad of ['', 'web1; reboot', '-n', 'a b', '$(id)']) expect(() => xlConsoleCommand(bad)).toThrow(XenArgumentError);
  });
});
