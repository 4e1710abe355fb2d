import { METERING_MARKERS, MeteringReading, parseMeteringReading } from '../parsers/metering-reading.parser';
import { shellJoin } from '../shell/shell-quote';
import { validateVgName } from '../shell/argument-validators';
import { Dom0Query, queryAsVerb } from './dom0-command';

/**
 * Everything the metering collector reads from a host, in ONE exec round trip:
 * the clock, xl list, xentop, the volume group's LV minors, the PVs, every
 * block device's stat and every vif's byte counters, each section behind an
 * `echo @@<section>` marker and the whole closed by `@@end`.
 *
 * The exit code is the last echo's, so it says nothing about the tools: the
 * parser checks every section itself and rejects the reading when one is
 * missing or malformed. The sysfs globs are constants written unquoted so the
 * Dom0's shell expands them; the volume group is the only input, validated and
 * quoted like every builder's arguments.
 */
export function meteringReadingQuery(volumeGroup: string): Dom0Query<MeteringReading> {
  const vg = validateVgName(volumeGroup, 'volumeGroup');
  const [xlList, xentop, lvs, pvs, block, vif, end] = METERING_MARKERS;
  const echo = (marker: string): string => shellJoin(['echo', marker]);
  const steps = [
    shellJoin(['date', '+%s.%N']),
    echo(xlList),
    shellJoin(['xl', 'list']),
    echo(xentop),
    shellJoin(['xentop', '-b', '-f', '-i', '1']),
    echo(lvs),
    shellJoin(['lvs', '--noheadings', '--separator', '|', '-o', 'lv_name,lv_kernel_minor', vg]),
    echo(pvs),
    shellJoin(['pvs', '--noheadings', '--separator', '|', '-o', 'pv_name,vg_name']),
    echo(block),
    'grep -H . /sys/class/block/*/stat',
    echo(vif),
    'grep -H . /sys/class/net/vif*/statistics/rx_bytes /sys/class/net/vif*/statistics/tx_bytes',
    echo(end),
  ];
  // The agent's metering.read runs these steps itself, without a shell (libs/xen/src/agent/procedures.ts), and prints
  // what the line prints; it reads the sysfs counters right after `date`, before the slower tools, so the clock stamps them.
  return queryAsVerb('metering.read', { volumeGroup }, {
    command: { line: steps.join('; '), description: `read metering counters (domains, xentop, ${vg} volumes and disks, vifs)` },
    parse: (stdout) => parseMeteringReading(stdout, vg),
  });
}
