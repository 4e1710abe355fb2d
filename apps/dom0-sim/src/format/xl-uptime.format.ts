import type { DomainView } from '../state/domain-view';
import { left, right } from './printf';

const two = (n: number): string => String(n).padStart(2, '0');

/** libxl's uptime_to_string: `%d days, %2d:%02d:%02d`, `%d day, ...`, or `%2d:%02d:%02d`; short mode drops seconds. */
export function uptimeString(seconds: number, short: boolean): string {
  const s = Math.max(0, Math.floor(seconds));
  const days = Math.floor(s / 86400);
  const hours = Math.floor((s % 86400) / 3600);
  const mins = Math.floor((s % 3600) / 60);
  const secs = s % 60;
  const clock = short ? `${right(hours, 2)}:${two(mins)}` : `${right(hours, 2)}:${two(mins)}:${two(secs)}`;
  return days > 0 ? `${days} day${days === 1 ? '' : 's'}, ${clock}` : clock;
}

export function formatXlUptime(views: readonly DomainView[], now: number, short: boolean): string {
  if (short) {
    const d = new Date(now * 1000);
    const time = `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
    return views.map((v) => ` ${time} up ${uptimeString(now - v.startedAt, true)}, ${v.name} (${v.domid})\n`).join('');
  }
  const header = `${left('Name', 33)} ${right('ID', 4)} Uptime\n`;
  return header + views.map((v) => `${left(v.name, 33)} ${right(v.domid, 4)} ${uptimeString(now - v.startedAt, false)}\n`).join('');
}
