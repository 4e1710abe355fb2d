/**
 * root's authorized_keys with carve's key bound to the agent: carve's line is replaced
 * (an older install's, or the unrestricted one carve used before the agent), every other
 * line is kept byte for byte, in its place.
 */

/** The comment that marks carve's line, so a later install finds it even after a key rotation. */
export const CARVE_KEY_COMMENT = 'carve-control-plane';

/** `restrict` turns off forwarding, pty, X11 and agent forwarding; `command=` runs the agent whatever the client asked. */
export function carveKeyLine(publicKey: { type: string; base64: string }, forcedCommand: string): string {
  return `restrict,command="${forcedCommand}" ${publicKey.type} ${publicKey.base64} ${CARVE_KEY_COMMENT}`;
}

/** The new file: carve's line where the first old carve line was (else appended), other lines untouched. */
export function withCarveKey(current: string, keyBase64: string, line: string): string {
  const lines = current.length === 0 ? [] : current.replace(/\n$/, '').split('\n');
  const out: string[] = [];
  let placed = false;
  for (const existing of lines) {
    if (isCarveLine(existing, keyBase64)) {
      if (!placed) out.push(line);
      placed = true;
    } else {
      out.push(existing);
    }
  }
  if (!placed) out.push(line);
  return `${out.join('\n')}\n`;
}

/** A line for carve's key (with any options) or one an earlier install wrote for another carve key. */
function isCarveLine(line: string, keyBase64: string): boolean {
  if (line.trim() === '' || line.trimStart().startsWith('#')) return false;
  const fields = line.trim().split(/\s+/);
  return fields.includes(keyBase64) || fields[fields.length - 1] === CARVE_KEY_COMMENT;
}
