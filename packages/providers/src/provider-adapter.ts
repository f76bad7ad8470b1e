// The contract between the gateway and one upstream wire format. Adapters are pure codecs: they build the
// HTTP request to send and decode what comes back; the gateway's transport does the I/O, so adapters are
// testable on recorded traffic and hold no sockets.
import type { ChatRequest, ChatResponse, StreamEvent, UpstreamError } from '@rampart/spec';

/** Response headers as Node gives them: lower-case names. */
export type HeaderMap = Record<string, string | string[] | undefined>;

/** Credentials an adapter may sign a request with. Never logged, never returned to a client. */
export type ProviderCredentials =
  | { kind: 'api-key'; apiKey: string }
  | { kind: 'aws-sigv4'; accessKeyId: string; secretAccessKey: string; sessionToken?: string }
  | { kind: 'none' };

/** Where and as whom to call an upstream for one request. */
export interface UpstreamTarget {
  /** Base URL without a trailing slash, e.g. `https://api.anthropic.com` or `http://127.0.0.1:11434/v1`. */
  baseUrl: string;
  /** The model id the upstream knows, e.g. `us.anthropic.claude-sonnet-4-5-20250929-v1:0`. */
  model: string;
  credentials: ProviderCredentials;
  /** AWS region, for Bedrock signing. */
  region?: string;
}

/** One HTTP call for the transport to make. */
export interface UpstreamHttpRequest {
  method: 'POST';
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** Turns canonical requests into one upstream's wire and its answers back into canonical form. */
export interface ProviderAdapter {
  /** Provider name used in errors, logs and metrics, e.g. `anthropic`, `bedrock-converse`. */
  readonly provider: string;
  /** Builds (and signs, if needed) the HTTP request for a canonical request. */
  encodeRequest(request: ChatRequest, target: UpstreamTarget): Promise<UpstreamHttpRequest>;
  /** Decodes a 2xx non-streamed body. Throws UpstreamError when the body is an error in disguise. */
  decodeResponse(body: Uint8Array, headers: HeaderMap): ChatResponse;
  /**
   * Decodes a 2xx streamed body into canonical events. Throws UpstreamError for an in-band error
   * (responseStarted: true once any content event was yielded), a stream cut before its terminal event
   * (`stream_interrupted`) and a stream with no events (`empty_response`). Never ends silently.
   */
  decodeStream(body: AsyncIterable<Uint8Array>, headers: HeaderMap): AsyncIterable<StreamEvent>;
  /** Turns a non-2xx answer into an UpstreamError with the right code, retryability and retry-after. */
  decodeError(status: number, headers: HeaderMap, body: Uint8Array): UpstreamError;
}
