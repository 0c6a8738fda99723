export interface AgentKey {
  fingerprint: string;
  /** "ED25519" */
  type: string;
  /** The agent's comment for the key (often the file it was loaded from). */
  comment: string;
}

/** Parses `ssh-add -l -E sha256` lines: "256 SHA256:abc comment words (ED25519)". Pure. */
export function parseAgentList(output: string): AgentKey[] {
  const keys: AgentKey[] = [];
  for (const line of output.split(/\r?\n/)) {
    const match = /^\d+\s+(SHA256:[A-Za-z0-9+/]+)\s+(.*?)\s*\(([^)]+)\)\s*$/.exec(line.trim());
    if (match) keys.push({ fingerprint: match[1]!, comment: match[2]!, type: match[3]! });
  }
  return keys;
}
