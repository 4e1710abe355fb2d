import { posix } from 'node:path';

/** Where the agent lives on a Dom0. Every path is under `root` (`/` on a real Dom0, a temp dir in tests). */
export interface AgentLayout {
  /** The bundle: one JavaScript file run by the Dom0's `node`. */
  readonly bundlePath: string;
  /** The forced command: a two-line shell wrapper, so the authorized_keys line never names node's path. */
  readonly wrapperPath: string;
  /** The agent's state (CARVE_AGENT_STATE_DIR): its journal of request ids and results, and its locks. */
  readonly journalDir: string;
  /** root's authorized_keys (the install follows a symlink and replaces the file it points to). */
  readonly authorizedKeysPath: string;
  readonly osReleasePath: string;
}

export function agentLayout(root: string): AgentLayout {
  const at = (path: string): string => posix.join(root, path);
  return {
    bundlePath: at('/usr/local/lib/carve-agent/carve-agent.js'),
    wrapperPath: at('/usr/local/sbin/carve-agent'),
    journalDir: at('/var/lib/carve-agent'),
    authorizedKeysPath: at('/root/.ssh/authorized_keys'),
    osReleasePath: at('/etc/os-release'),
  };
}

/** The wrapper's lines. */
export function agentWrapperLines(layout: AgentLayout): string[] {
  // Paths come from CARVE_AGENT_INSTALL_ROOT, validated as letters, digits, . _ - and /: nothing a shell reads specially.
  return ['#!/bin/sh', `CARVE_AGENT_STATE_DIR=${layout.journalDir} exec node ${layout.bundlePath} "$@"`];
}

/**
 * The wrapper sshd runs for carve's key. sshd hands the client's command line over in
 * SSH_ORIGINAL_COMMAND, never as arguments; the agent reads it from there, so nothing the
 * client sent is ever seen by this shell.
 */
export function agentWrapper(layout: AgentLayout): string {
  return `${agentWrapperLines(layout).join('\n')}\n`;
}
