// What the agent accepts on its command line (SSH_ORIGINAL_COMMAND under OpenSSH's forced
// command, argv otherwise). The request and result shapes are libs/xen's, shared with carve.
export { AGENT_VERSION, MIN_AGENT_VERSION, REQUEST_ID, type AgentHello, type AgentRequest, type AgentResult, type AgentStatus } from '@carve/xen';

export type AgentInvocation =
  | { readonly mode: 'serve' }
  | { readonly mode: 'call' }
  | { readonly mode: 'version' }
  | { readonly mode: 'stream-read' | 'stream-write'; readonly request: string };

export const AGENT_MODES = ['serve', 'call', 'version', 'stream-read', 'stream-write'] as const;

/**
 * Parses the one line the agent runs for. Only `carve-agent <mode>` (and, for the two stream
 * modes, one JSON request after it) is accepted; anything else (`id`, `sh -c ...`, scp, an
 * interactive login) is refused before anything runs. No shell ever sees the line.
 */
export function parseInvocation(line: string | undefined): AgentInvocation | { readonly refused: string } {
  if (line === undefined || line.trim() === '') return { refused: 'an interactive login is not allowed; run carve-agent serve|call|version|stream-read|stream-write' };
  const match = /^(?:\S*\/)?carve-agent (serve|call|version|stream-read|stream-write)(?: (.+))?$/s.exec(line.trim());
  if (!match) return { refused: `not an agent command: ${line.slice(0, 80)}` };
  const mode = match[1] as (typeof AGENT_MODES)[number];
  const rest = match[2];
  if (mode === 'stream-read' || mode === 'stream-write') {
    if (rest === undefined) return { refused: `${mode} needs its request as JSON` };
    return { mode, request: rest };
  }
  if (rest !== undefined) return { refused: `${mode} takes no arguments` };
  return { mode };
}
