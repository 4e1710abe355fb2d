import { CommandFailedError } from '../ssh/dom0-transport.errors';
import { Dom0FailureCode, Dom0OperationError } from './dom0-operation.error';

interface KnownFailure {
  readonly code: Dom0FailureCode;
  /** Matched against stderr; libxl line numbers vary between builds, so never match them. */
  readonly pattern: RegExp;
  readonly message: string;
}

// The texts come from xl/libxl, LVM, e2fsprogs, xfsprogs and tar as a Debian 12
// Xen 4.17 Dom0 prints them (../shared/xen-reference.md); the simulator prints the same.
const KNOWN_FAILURES: readonly KnownFailure[] = [
  // Before domain_not_found: libxl's cleanup after a failed build also says "Non-existant domain".
  { code: 'boot_file_missing', pattern: /xc_dom_(kernel|ramdisk)_file failed/, message: 'the kernel or ramdisk the domain config names is not on the host' },
  { code: 'insufficient_host_memory', pattern: /failed to free memory for the domain|insufficient free memory/, message: 'the host has not enough free memory for the domain' },
  { code: 'volume_group_full', pattern: /insufficient free space|Insufficient free space/, message: 'the volume group has not enough free space' },
  { code: 'volume_exists', pattern: /Logical volume "[^"]+" already exists in volume group/, message: 'a logical volume of that name already exists' },
  { code: 'volume_not_found', pattern: /Failed to find logical volume/, message: 'the logical volume does not exist' },
  { code: 'volume_in_use', pattern: /Logical volume \S+ in use|contains a filesystem in use/, message: 'the logical volume is open (a domain or a mount uses it)' },
  { code: 'shrink_refused', pattern: /not larger than existing size|too small, old size is|Shrinking is not supported/, message: 'shrinking is refused; volumes and filesystems only grow' },
  { code: 'device_busy', pattern: /is mounted; will not make a filesystem|Device or resource busy|already mounted on/, message: 'the device is in use' },
  { code: 'image_missing', pattern: /tar \(child\): .*Cannot open: No such file or directory/, message: 'the image archive is not on the host' },
  { code: 'domain_exists', pattern: /Domain with name "[^"]+" already exists/, message: 'a domain of that name already exists' },
  { code: 'domain_not_found', pattern: /is an invalid domain identifier|Non-existant domain|does not exist\./, message: 'no such domain' },
  { code: 'domain_config_invalid', pattern: /config parsing error|Failed to parse config|Failed to read config file/, message: 'xl could not read the domain config' },
  { code: 'disk_missing', pattern: /failed to stat: /, message: 'a disk of the domain does not exist on the host' },
  { code: 'disk_not_attached', pattern: /Device \S+ not connected/, message: 'no such disk is attached' },
  { code: 'vdev_in_use', pattern: /unable to add device with path/, message: 'the virtual device name is already used by another disk' },
  { code: 'above_maxmem', pattern: /memory_dynamic_max must be less than or equal to memory_static_max/, message: 'the memory asked for is above the domain maxmem; it applies at the next start' },
  { code: 'above_maxvcpus', pattern: /however maxcpus is/, message: 'the vCPU count asked for is above the domain maxvcpus; it applies at the next start' },
  { code: 'sched_param_out_of_range', pattern: /Cpu (weight|cap) out of range/, message: 'the credit2 weight or cap is outside the range the host accepts' },
  { code: 'above_host_cpus', pattern: /You are overcommm?itting!/, message: 'more vCPUs than the host has physical CPUs' },
];

/** The typed error for a command that exited non-zero: a known permanent failure, or the transport's CommandFailedError. */
export function failureFor(hostId: string, operation: string, exitCode: number, stderr: string, stdout: string): Error {
  const known = KNOWN_FAILURES.find((f) => f.pattern.test(stderr));
  if (known) return new Dom0OperationError(known.code, hostId, operation, known.message, { exitCode, stderr });
  return new CommandFailedError(hostId, operation, exitCode, stderr, stdout);
}
