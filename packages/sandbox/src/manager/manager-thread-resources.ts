// What a thread's sandbox holds besides its kernel: its own egress socket (so every request it makes is audited as
// this thread and allowed by its tenant's list) and its virtual key for the gateway (so no real provider key ever
// enters it). Both live as long as the thread's sandbox in this manager — kernel restarts keep them — and are
// released when it stops.
import type { EgressLease } from '../egress/egress-hub.js';

/** A virtual key minted for one thread's sandbox. */
export interface GatewayKey {
  /** The secret the sandbox presents to the gateway (`rk_…`). */
  key: string;
  /** Revokes it; called when the thread's sandbox stops. */
  revoke(): Promise<void>;
}

/** Mints the virtual key a thread's sandbox uses for the gateway; undefined = this user gets none (unknown user). */
export type MintGatewayKey = (userId: string, threadId: string) => Promise<GatewayKey | undefined>;

/** The egress socket and gateway key of one thread's sandbox. */
export interface ThreadResources {
  lease?: EgressLease;
  key?: GatewayKey;
}

/**
 * The environment that points a sandbox's SDKs at the gateway: base URLs for the OpenAI and Anthropic SDKs (and
 * anything reading RAMPART_GATEWAY_URL) and the thread's virtual key under every name those SDKs read. Applied last,
 * over the operator's own env, so nothing else can put a real provider key under these names.
 */
export function gatewayEnv(gatewayUrl: string | undefined, key: string | undefined): Record<string, string> {
  const env: Record<string, string> = {};
  if (gatewayUrl !== undefined) {
    const base = gatewayUrl.replace(/\/+$/, '');
    env.RAMPART_GATEWAY_URL = base;
    env.OPENAI_BASE_URL = `${base}/v1`;
    env.ANTHROPIC_BASE_URL = base;
  }
  if (key !== undefined) {
    env.RAMPART_API_KEY = key;
    env.OPENAI_API_KEY = key;
    env.ANTHROPIC_API_KEY = key;
  }
  return env;
}

/** Revokes the key and closes the socket; failures are logged, never thrown (the sandbox is already gone). */
export async function releaseThreadResources(
  resources: ThreadResources,
  threadId: string,
  log: (event: string, fields: Record<string, unknown>) => void,
): Promise<void> {
  await resources.key
    ?.revoke()
    .catch((error: unknown) =>
      log('gateway_key_revoke_failed', { threadId, error: (error as Error).message }),
    );
  await resources.lease
    ?.close()
    .catch((error: unknown) => log('egress_close_failed', { threadId, error: (error as Error).message }));
}
