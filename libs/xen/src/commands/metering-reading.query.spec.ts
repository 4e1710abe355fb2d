import { describe, expect, it } from '@jest/globals';
import { XenArgumentError } from '../errors/xen-argument.error';
import { XenParseError } from '../errors/xen-parse.error';
import { meteringReadingQuery } from './metering-reading.query';

describe('meteringReadingQuery', () => {
  it('reads everything in one command line, the globs left for the Dom0 shell to expand', () => {
    expect(meteringReadingQuery('vg0').command.line).toBe(
      "date +%s.%N; echo @@xl-list; xl list; echo @@xentop; xentop -b -f -i 1; echo @@lvs; lvs --noheadings --separator '|' -o lv_name,lv_kernel_minor vg0; " +
        "echo @@pvs; pvs --noheadings --separator '|' -o pv_name,vg_name; echo @@block; grep -H . /sys/class/block/*/stat; " +
        'echo @@vif; grep -H . /sys/class/net/vif*/statistics/rx_bytes /sys/class/net/vif*/statistics/tx_bytes; echo @@end',
    );
    expect(meteringReadingQuery('data.vg+1').command.line).toContain('-o lv_name,lv_kernel_minor data.vg+1; echo @@pvs');
  });

  it('refuses a volume group name LVM would not accept before anything runs', () => {
    for (const bad of ['vg0; reboot', '-vg', '', 'vg 0', '..']) expect(() => meteringReadingQuery(bad)).toThrow(XenArgumentError);
  });

  it('parses for its own volume group', () => {
    const parse = meteringReadingQuery('vg7').parse;
    expect(() => parse('1700000000.000000000\n@@xl-list\n')).toThrow(XenParseError);
  });
});
