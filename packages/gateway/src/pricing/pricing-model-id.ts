// One name per priced model family, whatever spelling the upstream uses: Anthropic's dated ids, Bedrock's
// `us.anthropic.…-v1:0` inference profiles and ARNs, OpenAI's dated snapshots all map to the same key.

const PROFILE_PREFIX = /^(?:us|eu|apac|au|jp|ca|us-gov|global)\./;

// Called for every priced call with a handful of distinct ids: remembered, so the regexes run once per id.
const normalized = new Map<string, string>();

/** `us.anthropic.claude-sonnet-4-5-20250929-v1:0` → `claude-sonnet-4-5`; `gpt-4o-2024-08-06` → `gpt-4o`. */
export function normalizeModelId(model: string): string {
  let id = normalized.get(model);
  if (id === undefined) {
    id = normalize(model);
    if (normalized.size >= 10_000) normalized.clear();
    normalized.set(model, id);
  }
  return id;
}

function normalize(model: string): string {
  let id = model.trim().toLowerCase();
  // An ARN names the profile or model after its last slash.
  const slash = id.lastIndexOf('/');
  if (id.startsWith('arn:') && slash >= 0) id = id.slice(slash + 1);
  id = id.replace(PROFILE_PREFIX, '').replace(/^anthropic\./, '');
  id = id.replace(/-v\d+(?::\d+)?$/, ''); // Bedrock version suffix
  id = id.replace(/-(?:\d{8}|\d{4}-\d{2}-\d{2})$/, ''); // dated snapshot
  id = id.replace(/-latest$/, '');
  // `claude-sonnet-4-0` is Anthropic's alias for the first 4.x release.
  return id.replace(/^(claude-(?:sonnet|opus)-4)-0$/, '$1');
}
