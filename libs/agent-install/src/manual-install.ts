/**
 * The install done by hand, as one command an operator runs next to the bundle: ssh to the
 * Dom0 with the bundle on stdin and a script that does what POST /v1/hosts/:id/agent does
 * (nodejs from Debian when missing, bundle, wrapper, state dir, carve's restricted line).
 * `npm run agent:install-command` prints it for a key; the README shows it; the install
 * e2e test runs it with OpenSSH's ssh against a real sshd.
 */
import { agentLayout, agentWrapperLines } from './agent-layout';
import { CARVE_KEY_COMMENT, carveKeyLine } from './authorized-keys';

const KEY_TYPE = /^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)|sk-ssh-ed25519@openssh\.com|sk-ecdsa-sha2-nistp256@openssh\.com)$/;
const KEY_BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** `ssh-ed25519 AAAA... comment` into its type and base64; refuses anything else (it goes into a script). */
export function parsePublicKeyLine(line: string): { type: string; base64: string } {
  const [type, base64] = line.trim().split(/\s+/);
  if (!type || !base64 || !KEY_TYPE.test(type) || !KEY_BASE64.test(base64)) throw new Error('not an OpenSSH public key line (type base64 [comment])');
  return { type, base64 };
}

/**
 * The remote script. It holds no single quote, so the local shell takes it in one single-quoted
 * word; inside, only double quotes. The agent answers `version` at the end: run by hand over
 * an SSH session the agent treats an empty SSH_ORIGINAL_COMMAND as a login and refuses, so the
 * check runs without SSH_CONNECTION.
 */
export function manualInstallScript(carveKey: { type: string; base64: string }, root = '/'): string {
  const layout = agentLayout(root);
  const dir = (path: string): string => path.slice(0, path.lastIndexOf('/')) || '/';
  const dq = (text: string): string => `"${text.replace(/(["\\$`])/g, '\\$1')}"`;
  const line = carveKeyLine(carveKey, layout.wrapperPath);
  return [
    'set -e',
    'command -v node >/dev/null 2>&1 || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q nodejs; }',
    `mkdir -p ${dir(layout.bundlePath)} ${dir(layout.wrapperPath)} ${dir(layout.authorizedKeysPath)} && mkdir -p -m 700 ${layout.journalDir}`,
    `cat > ${layout.bundlePath}.new && mv -f ${layout.bundlePath}.new ${layout.bundlePath}`,
    `printf "%s\\n" ${agentWrapperLines(layout).map(dq).join(' ')} > ${layout.wrapperPath}.new && chmod 755 ${layout.wrapperPath}.new && mv -f ${layout.wrapperPath}.new ${layout.wrapperPath}`,
    `f=$(readlink -f ${layout.authorizedKeysPath}); touch "$f"`,
    `{ grep -v -F -e ${carveKey.base64} -e ${CARVE_KEY_COMMENT} "$f" || true; echo ${dq(line)}; } > "$f.carve-new" && chmod 600 "$f.carve-new" && mv -f "$f.carve-new" "$f"`,
    `env -u SSH_CONNECTION ${layout.wrapperPath} version`,
  ].join('\n');
}

/** The whole local command: `ssh [options] DESTINATION '<script>' < BUNDLE`. */
export function manualInstallCommand(options: { destination: string; sshOptions?: readonly string[]; bundlePath: string; carveKey: { type: string; base64: string }; root?: string }): string {
  const script = manualInstallScript(options.carveKey, options.root);
  if (script.includes("'")) throw new Error('the install script must hold no single quote');
  return ['ssh', ...(options.sshOptions ?? []), options.destination, `'${script}'`, '<', options.bundlePath].join(' ');
}
