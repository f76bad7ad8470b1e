import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from './format-config-error.js';
import {
  configFromEnvironment,
  loadGatewayConfigFile,
  parseGatewayConfig,
  simulatedConfig,
} from './load-gateway-config.js';

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected ConfigError, got ${String(error)}`);
    return error.problems;
  }
  assert.fail('expected the config to be rejected');
}

test('config errors name the exact path of each problem', () => {
  const problems = problemsOf(() =>
    parseGatewayConfig(
      {
        providers: {
          anthropic: { type: 'anthropic', baseUrl: 'not a url', apiKey: 'k' },
          openai: { type: 'openai' },
          bedrock: { type: 'bedrock', region: 'us-east-1' },
        },
      },
      {},
      'test',
    ),
  );
  assert.ok(
    problems.some((p) => p.startsWith('providers.anthropic.baseUrl:')),
    problems.join('\n'),
  );
  assert.ok(
    problems.some((p) => p.startsWith('providers.openai.apiKey:')),
    problems.join('\n'),
  );
  assert.ok(
    problems.some((p) => p.startsWith('providers.bedrock') && p.includes('needs apiKey')),
    problems.join('\n'),
  );
});

test('unknown fields and unknown provider types are rejected, not ignored', () => {
  const problems = problemsOf(() =>
    parseGatewayConfig({ providers: { x: { type: 'gemini', apiKey: 'k' } }, routes: [] }, {}, 'test'),
  );
  assert.ok(
    problems.some((p) => p.startsWith('providers.x.type')),
    problems.join('\n'),
  );
  assert.ok(
    problems.some((p) => p.includes('routes')),
    problems.join('\n'),
  );
});

test('env: secrets resolve from the environment, and a missing variable names the field', () => {
  const config = parseGatewayConfig(
    { providers: { anthropic: { type: 'anthropic', apiKey: 'env:MY_KEY' } } },
    { MY_KEY: 'sk-1' },
    'test',
  );
  const provider = config.providers.anthropic;
  assert.equal(provider?.type === 'anthropic' && provider.apiKey, 'sk-1');
  const problems = problemsOf(() =>
    parseGatewayConfig({ providers: { anthropic: { type: 'anthropic', apiKey: 'env:NOPE' } } }, {}, 'test'),
  );
  assert.deepEqual(problems, ['providers.anthropic.apiKey: environment variable NOPE is not set']);
});

test('models must reference configured providers; the default catalog fills in for configured ones only', () => {
  const problems = problemsOf(() =>
    parseGatewayConfig(
      { providers: { anthropic: { type: 'anthropic', apiKey: 'k' } }, models: { m: { openai: 'gpt-4o' } } },
      {},
      'test',
    ),
  );
  assert.deepEqual(problems, ['models.m.openai: no provider named "openai" is configured']);
  const config = parseGatewayConfig(
    { providers: { anthropic: { type: 'anthropic', apiKey: 'k' } } },
    {},
    'test',
  );
  assert.deepEqual(config.models['claude-sonnet-4-5'], { anthropic: 'claude-sonnet-4-5-20250929' });
  assert.equal(config.models['gpt-4o'], undefined);
});

test('credentials in the environment configure providers; none means simulate', () => {
  assert.equal(configFromEnvironment({}), undefined);
  const config = configFromEnvironment({
    AWS_ACCESS_KEY_ID: 'AKID',
    AWS_SECRET_ACCESS_KEY: 'secret',
    AWS_REGION: 'eu-west-1',
  });
  assert.deepEqual(Object.keys(config?.providers ?? {}), ['bedrock', 'bedrock-converse']);
  const bedrock = config?.providers.bedrock;
  assert.ok(bedrock?.type === 'bedrock');
  assert.equal(bedrock.region, 'eu-west-1');
  assert.equal(bedrock.accessKeyId, 'AKID');
  const simulated = simulatedConfig('http://127.0.0.1:9');
  assert.deepEqual(Object.keys(simulated.providers), ['openai', 'anthropic', 'bedrock', 'bedrock-converse']);
});

test('a config file that is not JSON is reported with its path', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'rampart-config-'));
  const path = join(dir, 'rampart.config.json');
  await writeFile(path, '{ "providers": ');
  await assert.rejects(loadGatewayConfigFile(path, {}), (error: unknown) => {
    assert.ok(error instanceof ConfigError);
    assert.equal(error.source, path);
    assert.match(error.problems[0] ?? '', /not valid JSON/);
    return true;
  });
});
