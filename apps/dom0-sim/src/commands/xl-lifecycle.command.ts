import { fail, ok, type CommandResult } from '../command-result';
import { readDomainConfig } from '../domain-config.reader';
import type { CommandInput } from '../sim-runtime';
import { restartDomain, removeDomain, startDomain } from '../state/domain-lifecycle';
import { domainFootprintMiB, freeMemoryMiB } from '../state/domain-view';
import { lvForDevice, readFile } from '../state/vfs';
import { isResult, libxlError, requiresArgs, resolveDomain } from './xl-domain-arg';

/** `xl create [-q] [-f] <cfg>` */
export function xlCreate(input: CommandInput): CommandResult {
  const { state } = input.runtime;
  const positional = input.args.filter((a) => !a.startsWith('-'));
  const path = positional[0];
  if (path === undefined) return requiresArgs('create', 1);
  const text = readFile(state, path);
  if (text === undefined) return fail(`Failed to read config file: ${path}: No such file or directory\n`);
  let stderr = `Parsing config from ${path}\n`;
  const read = readDomainConfig(text);
  if (!read.ok) return fail(`${stderr}${path}:${read.line}: config parsing error near \`${read.reason}'\nFailed to parse config: Invalid argument\n`);
  const config = read.config;
  const now = input.runtime.clock.now();

  if (state.domains.some((d) => d.name === config.name)) {
    return fail(stderr + libxlError('libxl_create.c', 662, 'libxl__domain_make', undefined, `Domain with name "${config.name}" already exists.`) + libxlError('libxl_create.c', 1297, 'initiate_domain_create', undefined, 'cannot make domain: -6'));
  }
  const need = domainFootprintMiB(config.type, config.memoryMiB);
  const free = freeMemoryMiB(state);
  if (need > free) {
    stderr += libxlError('libxl_mem.c', 312, 'libxl__wait_for_free_memory', 0, `insufficient free memory: need ${need * 1024} KiB, have ${free * 1024} KiB`);
    return fail(`${stderr}failed to free memory for the domain\n`);
  }
  for (const [kind, file] of [['kernel', config.kernel], ['ramdisk', config.ramdisk]] as const) {
    if (file === undefined || readFile(state, file) !== undefined) continue;
    // xc_dom opens the kernel and ramdisk after libxl made the domain, so the domid is spent here too.
    const domid = state.nextDomid;
    state.nextDomid += 1;
    stderr += `xc: error: panic: xg_dom_core.c:208: failed to open file '${file}': No such file or directory: Internal error\n`;
    stderr += libxlError('libxl_dom.c', 600, 'libxl__build_dom', undefined, `xc_dom_${kind}_file failed: No such file or directory`);
    stderr += libxlError('libxl_create.c', 1511, 'domcreate_rebuild_done', domid, 'cannot (re-)build domain: -3');
    stderr += libxlError('libxl_domain.c', 1183, 'libxl__destroy_domid', domid, 'Non-existant domain');
    stderr += libxlError('libxl_domain.c', 1137, 'domain_destroy_callback', domid, 'Unable to destroy guest');
    stderr += libxlError('libxl_domain.c', 1064, 'domain_destroy_cb', domid, 'Destruction of domain failed');
    return fail(stderr);
  }
  for (const disk of config.disks) {
    if (!lvForDevice(state, disk.target)) {
      // libxl allocated the domid before it stat()ed the disks, so the id is spent.
      const domid = state.nextDomid;
      state.nextDomid += 1;
      stderr += libxlError('libxl_device.c', 353, 'libxl__device_disk_set_backend', undefined, `Disk vdev=${disk.vdev} failed to stat: ${disk.target}: No such file or directory`);
      stderr += libxlError('libxl_create.c', 1675, 'domcreate_launch_dm', domid, 'Unable to add disk devices');
      stderr += libxlError('libxl_domain.c', 1183, 'libxl__destroy_domid', domid, 'Non-existant domain');
      stderr += libxlError('libxl_domain.c', 1137, 'domain_destroy_callback', domid, 'Unable to destroy guest');
      stderr += libxlError('libxl_domain.c', 1064, 'domain_destroy_cb', domid, 'Destruction of domain failed');
      return fail(stderr);
    }
  }
  startDomain(state, config, path, now);
  return ok('', stderr);
}

/** `xl shutdown [-w] <dom>`: the guest powers off; with on_poweroff=destroy it disappears. */
export async function xlShutdown(input: CommandInput): Promise<CommandResult> {
  const wait = input.args.some((a) => a === '-w' || a === '--wait');
  const positional = input.args.filter((a) => !a.startsWith('-'));
  if (positional.length < 1) return requiresArgs('shutdown', 1);
  const { state } = input.runtime;
  const view = resolveDomain(state, positional[0], input.runtime.clock.now());
  if (isResult(view)) return view;
  if (!view.domain) return fail('shutdown failed (rc=-3)\n');
  let stderr = `Shutting down domain ${view.domid}\n`;
  if (wait) {
    stderr += 'Waiting for 1 domains\n';
    // A guest takes a couple of seconds to power off.
    await input.runtime.sleepSim(2, input.closed);
  }
  const domain = state.domains.find((d) => d.domid === view.domid);
  if (domain) removeDomain(state, domain.domid, input.runtime.clock.now());
  if (wait) stderr += `Domain ${view.domid} has been shut down, reason code 0\n`;
  return ok('', stderr);
}

export function xlDestroy(input: CommandInput): CommandResult {
  const positional = input.args.filter((a) => !a.startsWith('-'));
  if (positional.length < 1) return requiresArgs('destroy', 1);
  const { state } = input.runtime;
  const now = input.runtime.clock.now();
  const view = resolveDomain(state, positional[0], now);
  if (isResult(view)) return view;
  if (!view.domain) return fail('Not destroying domain 0; use -f to force.\nThis can only be done when using a disaggregated hardware domain and toolstack.\n\n');
  removeDomain(state, view.domid, now);
  return ok();
}

/** `xl reboot <dom>`: the toolstack recreates it under a new domid, counters from zero. */
export function xlReboot(input: CommandInput): CommandResult {
  const positional = input.args.filter((a) => !a.startsWith('-'));
  if (positional.length < 1) return requiresArgs('reboot', 1);
  const { state } = input.runtime;
  const now = input.runtime.clock.now();
  const view = resolveDomain(state, positional[0], now);
  if (isResult(view)) return view;
  if (!view.domain) return fail('reboot failed (rc=-3)\n');
  restartDomain(state, view.domain, now);
  return ok('', `Rebooting domain ${view.domid}\n`);
}
