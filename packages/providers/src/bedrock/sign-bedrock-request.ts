// Authenticates one Bedrock runtime request: SigV4 (service `bedrock`) for AWS credentials, a bearer token for
// a Bedrock API key. Signing covers the exact host, path and body the transport sends, so a baseUrl override
// (a local simulator) is signed for the host actually used.
import type * as Sha256Js from '@aws-crypto/sha256-js';
import type * as SignatureV4Js from '@smithy/signature-v4';
import { RampartError } from '@rampart/spec';
import type { ProviderCredentials } from '../provider-adapter.js';

/** Everything needed to authenticate one Bedrock runtime request. */
export interface BedrockSigningInput {
  url: string;
  /** Headers to send (and sign); host and the x-amz-* headers are added here. */
  headers: Record<string, string>;
  body: string;
  credentials: ProviderCredentials;
  /** The target's region; when absent it is read from a `bedrock-runtime.{region}.amazonaws.com` host. */
  region: string | undefined;
  /** Signing time; injected so signatures are reproducible in tests. */
  now: Date;
}

const BEDROCK_SIGNING_SERVICE = 'bedrock';
// The AWS signing libraries (~6 MB resident with the event-stream codec) load with the first SigV4 request: a
// gateway with no Bedrock credentials never carries them.
let sigV4Libraries: Promise<[typeof Sha256Js, typeof SignatureV4Js]> | undefined;
const REGION_IN_HOST = /^bedrock-runtime(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/;

/** The region to sign for: the target's, else the one named by the public endpoint's host. */
export function bedrockSigningRegion(url: URL, region: string | undefined): string {
  if (region !== undefined && region.length > 0) return region;
  const fromHost = REGION_IN_HOST.exec(url.hostname)?.[1];
  if (fromHost !== undefined) return fromHost;
  throw new RampartError('internal', `Bedrock target ${url.host} needs a region to sign requests`);
}

/** Returns the headers of a Bedrock request with authentication added. */
export async function signBedrockRequest(input: BedrockSigningInput): Promise<Record<string, string>> {
  const { credentials } = input;
  switch (credentials.kind) {
    case 'api-key':
      return { ...input.headers, authorization: `Bearer ${credentials.apiKey}` };
    case 'none':
      return { ...input.headers };
    case 'aws-sigv4':
      return signWithSigV4(input, credentials);
  }
}

async function signWithSigV4(
  input: BedrockSigningInput,
  credentials: Extract<ProviderCredentials, { kind: 'aws-sigv4' }>,
): Promise<Record<string, string>> {
  const url = new URL(input.url);
  const [{ Sha256 }, { SignatureV4 }] = await (sigV4Libraries ??= Promise.all([
    import('@aws-crypto/sha256-js'),
    import('@smithy/signature-v4'),
  ]));
  const signer = new SignatureV4({
    service: BEDROCK_SIGNING_SERVICE,
    region: bedrockSigningRegion(url, input.region),
    sha256: Sha256,
    credentials: {
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
      ...(credentials.sessionToken === undefined ? {} : { sessionToken: credentials.sessionToken }),
    },
    // Non-S3 services canonicalize the path by encoding the already-encoded segments once more
    // (`%3A` → `%253A`); Bedrock verifies it that way, as the AWS SDK signs it. This is the default,
    // stated here because getting it wrong breaks every model id that contains ':'.
    uriEscapePath: true,
    // Adds x-amz-content-sha256 like the AWS SDK does; Bedrock accepts it and it binds the body to the signature.
    applyChecksum: true,
  });
  const signed = await signer.sign(
    {
      method: 'POST',
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port === '' ? {} : { port: Number(url.port) }),
      path: url.pathname,
      query: {},
      // `host` must be signed and must equal what the transport sends: URL.host keeps a non-default port.
      headers: { ...input.headers, host: url.host },
      body: input.body,
    },
    { signingDate: input.now },
  );
  return { ...(signed.headers as Record<string, string>) };
}
