import type { SimFilesystem, SimHostState, SimLogicalVolume } from './host-state';

/** Collapse `.`, `..` and repeated slashes; the simulator has no working directory, so relative paths start at /root. */
export function normalizePath(path: string): string {
  const absolute = path.startsWith('/') ? path : `/root/${path}`;
  const out: string[] = [];
  for (const part of absolute.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return `/${out.join('/')}`;
}

export function parentOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

interface FileStore {
  files: Record<string, string>;
  dirs: string[];
}

interface Located {
  store: FileStore;
  /** Path inside the store. */
  inner: string;
  fs?: SimFilesystem;
}

/** Which filesystem holds `path`: the root, or the LV mounted at the longest matching prefix. */
export function locate(state: SimHostState, path: string): Located {
  const p = normalizePath(path);
  let best: { dir: string; lv: string } | undefined;
  for (const m of state.mounts) {
    if ((p === m.dir || p.startsWith(`${m.dir}/`)) && (!best || m.dir.length > best.dir.length)) best = m;
  }
  if (best) {
    const fs = state.vg.lvs.find((lv) => lv.name === best.lv)?.filesystem;
    if (fs) return { store: fs, inner: normalizePath(p.slice(best.dir.length) || '/'), fs };
  }
  return { store: state, inner: p };
}

export function isDirectory(state: SimHostState, path: string): boolean {
  const { store, inner } = locate(state, path);
  return inner === '/' || store.dirs.includes(inner);
}

export function readFile(state: SimHostState, path: string): string | undefined {
  const { store, inner } = locate(state, path);
  return Object.prototype.hasOwnProperty.call(store.files, inner) ? store.files[inner] : undefined;
}

export function writeFile(state: SimHostState, path: string, content: string): void {
  const { store, inner } = locate(state, path);
  store.files[inner] = content;
}

export function removeFile(state: SimHostState, path: string): boolean {
  const { store, inner } = locate(state, path);
  if (!Object.prototype.hasOwnProperty.call(store.files, inner)) return false;
  delete store.files[inner];
  return true;
}

export function makeDirectories(state: SimHostState, path: string): string | undefined {
  const parts = normalizePath(path).split('/').filter(Boolean);
  let current = '';
  for (const part of parts) {
    current += `/${part}`;
    if (readFile(state, current) !== undefined) return current;
    const { store, inner } = locate(state, current);
    if (inner !== '/' && !store.dirs.includes(inner)) store.dirs.push(inner);
  }
  return undefined;
}

/** `/dev/vg0/x` or `/dev/mapper/vg0-x` (device-mapper doubles dashes inside names). */
export function lvForDevice(state: SimHostState, device: string): SimLogicalVolume | undefined {
  const p = normalizePath(device);
  const vg = state.vg;
  const direct = `/dev/${vg.name}/`;
  if (p.startsWith(direct)) return vg.lvs.find((lv) => lv.name === p.slice(direct.length));
  const escape = (s: string): string => s.replace(/-/g, '--');
  return vg.lvs.find((lv) => p === `/dev/mapper/${escape(vg.name)}-${escape(lv.name)}`);
}

export function mapperPath(state: SimHostState, lv: SimLogicalVolume): string {
  const escape = (s: string): string => s.replace(/-/g, '--');
  return `/dev/mapper/${escape(state.vg.name)}-${escape(lv.name)}`;
}
