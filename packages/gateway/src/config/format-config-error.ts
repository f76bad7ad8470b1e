import type { z } from 'zod';

/** A configuration problem, naming the exact path of each issue (`providers.openai.baseUrl: Invalid URL`). */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`invalid configuration in ${source}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Turns zod issues into one line each, path first. */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.map((issue) => {
    const path = issue.path.map((part) => (typeof part === 'number' ? `[${part}]` : String(part))).join('.');
    return `${path.replace(/\.\[/g, '[') || '(root)'}: ${issue.message}`;
  });
}
