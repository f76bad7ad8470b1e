// Everything one simulator instance keeps: shared by its HTTP/1.1 and HTTP/2 servers and its control API.
import type { PromptCache } from '../cache/prompt-cache.js';
import type { TokenBucket } from '../capacity/token-bucket.js';
import type { FaultRules } from '../faults/fault-rules.js';
import type { RequestLog } from '../log/request-log.js';
import type { ModelCatalog, ProviderName } from '../model/model-catalog.js';
import type { ScriptQueue } from '../script/scripted-response.js';
import type { Clock } from './clock.js';
import type { WireIds } from './wire-ids.js';

/** AWS credentials whose SigV4 signatures the Bedrock endpoints verify. */
export interface BedrockCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

/** The mutable state of one simulator. */
export interface SimState {
  clock: Clock;
  catalog: ModelCatalog;
  cache: PromptCache;
  faults: FaultRules;
  script: ScriptQueue;
  capacity: Map<ProviderName, TokenBucket>;
  log: RequestLog;
  ids: WireIds;
  bedrockCredentials: BedrockCredentials | undefined;
}
