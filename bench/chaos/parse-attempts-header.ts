// Reads the gateway's `x-rampart-attempts` header (`provider/model=outcome[:status][:reason]@ms, …`) into
// counts per target, so the benchmark can say how often each target was tried, failed or skipped by its
// breaker without trusting anything but what the client was told.

/** One entry of the header. */
export interface AttemptEntry {
  target: string;
  outcome: 'served' | 'failed' | 'skipped';
  status?: number;
  reason?: string;
}

/** Parses the header; entries it cannot read are dropped (the header is informational). */
export function parseAttemptsHeader(header: string | undefined): AttemptEntry[] {
  if (!header) return [];
  const entries: AttemptEntry[] = [];
  for (const part of header.split(', ')) {
    const match = /^(.+)=(served|failed|skipped)((?::[^:@]+)*)@\d+ms$/.exec(part.trim());
    if (!match) continue;
    const [, target, outcome, detail] = match as unknown as [string, string, AttemptEntry['outcome'], string];
    const fields = detail.split(':').slice(1);
    const entry: AttemptEntry = { target, outcome };
    const status = Number(fields[0]);
    if (Number.isInteger(status) && fields[0] !== undefined) {
      entry.status = status;
      fields.shift();
    }
    if (fields.length > 0) entry.reason = fields.join(':');
    entries.push(entry);
  }
  return entries;
}
