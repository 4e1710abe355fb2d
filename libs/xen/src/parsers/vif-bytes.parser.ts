import { failer, OutputLine, outputLines, toSafeInteger } from './output-lines';

/** Byte counters of one vif from Dom0's side (netback). */
export interface VifBytes {
  readonly domid: number;
  readonly devid: number;
  /** `vif<domid>.<devid>-emu`: the tap of an HVM guest's emulated NIC, next to its PV vif of the same devid. */
  readonly emulated: boolean;
  /** Bytes Dom0 received from the guest: the guest's OUTBOUND traffic, what hosting bills. */
  readonly rxBytes: number;
  /** Bytes Dom0 sent to the guest: the guest's inbound traffic. */
  readonly txBytes: number;
}

const PARSER = 'vif bytes';
const LINE = /^\/sys\/class\/net\/vif(\d+)\.(\d+)(-emu)?\/statistics\/(rx_bytes|tx_bytes):(.*)$/;
/** No vif on the host (the globs stay unexpanded) or one that went away while being read. */
const VANISHED = /^grep: \S+: No such file or directory$/;

/**
 * `grep -H . /sys/class/net/vif<star>/statistics/rx_bytes /sys/class/net/vif<star>/statistics/tx_bytes`.
 * Empty when the host has no vif. A vif with only one of its two counters is
 * an error, never a zero.
 */
export function parseVifBytes(stdout: string): VifBytes[] {
  const fail = failer(PARSER);
  const vifs = new Map<string, { domid: number; devid: number; emulated: boolean; line: OutputLine; rx?: number; tx?: number }>();
  for (const line of outputLines(stdout)) {
    const at = (reason: string): never => fail(line, reason);
    const text = line.text.trim();
    if (VANISHED.test(text)) continue;
    const m = LINE.exec(text) ?? at('expected /sys/class/net/vif<domid>.<devid>/statistics/{rx,tx}_bytes:<bytes>');
    const key = `${m[1]}.${m[2]}${m[3] ?? ''}`;
    const vif = vifs.get(key) ?? { domid: toSafeInteger(m[1], at, 'domid'), devid: toSafeInteger(m[2], at, 'devid'), emulated: m[3] !== undefined, line };
    vifs.set(key, vif);
    const field = m[4] === 'rx_bytes' ? 'rx' : 'tx';
    if (vif[field] !== undefined) at(`vif${key} ${m[4]} is listed twice`);
    vif[field] = toSafeInteger(m[5].trim(), at, `vif${key} ${m[4]}`);
  }
  return [...vifs.entries()].map(([key, v]) => {
    // grep reads every rx_bytes before any tx_bytes: a vif with one of them went away in between.
    const rxBytes = v.rx ?? fail(v.line, `vif${key} has no rx_bytes`);
    const txBytes = v.tx ?? fail(v.line, `vif${key} has no tx_bytes`);
    return { domid: v.domid, devid: v.devid, emulated: v.emulated, rxBytes, txBytes };
  });
}
