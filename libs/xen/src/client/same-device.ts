/** `/dev/vg0/web1-root` and `/dev/mapper/vg0-web1--root` are the same LV; libxl may also keep a `phy:` prefix. */
export function sameDevice(a: string, b: string): boolean {
  return canonicalDevice(a) === canonicalDevice(b);
}

function canonicalDevice(path: string): string {
  const bare = path.replace(/^phy:/, '');
  const mapper = /^\/dev\/mapper\/((?:[^-]|--)+)-((?:[^-]|--)+)$/.exec(bare);
  return mapper ? `/dev/${mapper[1].replace(/--/g, '-')}/${mapper[2].replace(/--/g, '-')}` : bare;
}
