// Which destinations a tenant's sandboxes may reach. Entries are exact hosts ("api.example.com"), suffix wildcards
// ("*.example.com", which does not match "example.com" itself), each optionally with a port. Without a port only the
// web ports 80 and 443 are allowed, so "*.example.com" cannot be used to reach example.com's SSH or database ports.

const WEB_PORTS = [80, 443];

/** A parsed allowlist entry. */
interface AllowEntry {
  host: string;
  wildcard: boolean;
  port: number | undefined;
}

/** Decides whether host:port is allowed. */
export class EgressAllowlist {
  readonly #entries: AllowEntry[];

  /** Parses entries like "api.example.com", "*.example.com", "redis.internal:6379". */
  constructor(entries: readonly string[]) {
    this.#entries = entries.map(parseEntry);
  }

  /** True when some entry allows host:port. */
  allows(host: string, port: number): boolean {
    const name = normalizeHost(host);
    return this.#entries.some((entry) => {
      const portOk = entry.port === undefined ? WEB_PORTS.includes(port) : entry.port === port;
      if (!portOk) return false;
      return entry.wildcard ? name.endsWith(`.${entry.host}`) : name === entry.host;
    });
  }
}

function parseEntry(raw: string): AllowEntry {
  const text = raw.trim().toLowerCase();
  const match = /^(\*\.)?(\[[0-9a-f:]+\]|[^:]+)(?::(\d+))?$/.exec(text);
  if (match === null || match[2] === undefined) throw new Error(`invalid egress allowlist entry: ${raw}`);
  return {
    wildcard: match[1] !== undefined,
    host: normalizeHost(match[2]),
    port: match[3] === undefined ? undefined : Number(match[3]),
  };
}

// Hostnames compare case-insensitively and without a trailing dot ("example.com." is the same name).
function normalizeHost(host: string): string {
  return host
    .toLowerCase()
    .replace(/\.$/, '')
    .replace(/^\[(.*)\]$/, '$1');
}
