/** `npm run bench:provision -- --servers N --hosts M`: how big a run to make. */
export interface BenchOptions {
  servers: number;
  hosts: number;
  /** Customers the orders are spread over, each with its own shared pool. */
  customers: number;
  /** Orders in flight at once from the client. */
  clientConcurrency: number;
  /** No-op jobs for target (a): carve's through its whole machinery and raw BullMQ's, the same number each. */
  noopJobs: number;
}

export function parseBenchOptions(argv: readonly string[]): BenchOptions {
  const options: BenchOptions = { servers: 200, hosts: 10, customers: 10, clientConcurrency: 16, noopJobs: 1000 };
  for (let i = 0; i < argv.length; i += 1) {
    const flag = argv[i];
    const value = argv[i + 1];
    const key = flag === '--servers' ? 'servers' : flag === '--hosts' ? 'hosts' : flag === '--customers' ? 'customers' : flag === '--client-concurrency' ? 'clientConcurrency' : flag === '--noop-jobs' ? 'noopJobs' : undefined;
    if (!key) throw new Error(`unknown argument ${flag}; use --servers N --hosts M [--customers C] [--client-concurrency K] [--noop-jobs J]`);
    if (value === undefined || !/^\d{1,5}$/.test(value) || Number(value) < 1) throw new Error(`${flag} needs a whole number of at least 1`);
    options[key] = Number(value);
    i += 1;
  }
  // Each host holds 20 of the bench's servers comfortably (memory, vCPUs under 4x overcommit, VG space).
  if (options.servers > options.hosts * 20) throw new Error(`--servers ${options.servers} needs at least ${Math.ceil(options.servers / 20)} hosts (20 servers per host)`);
  return options;
}
