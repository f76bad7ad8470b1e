import assert from 'node:assert/strict';
import { test } from 'node:test';
import { converseBodyProblem } from './validate-converse-request.js';

const user = (text: string) => ({ role: 'user', content: [{ text }] });
const assistant = (text: string) => ({ role: 'assistant', content: [{ text }] });

test('Converse conversations start with a user and alternate', () => {
  assert.equal(converseBodyProblem({ messages: [user('a')] }), undefined);
  assert.match(converseBodyProblem({ messages: [assistant('a')] }) ?? '', /must start with a user message/);
  assert.match(
    converseBodyProblem({ messages: [user('a'), user('b')] }) ?? '',
    /must alternate between user and assistant/,
  );
  assert.match(converseBodyProblem({}) ?? '', /Value null at 'messages'/);
  assert.match(converseBodyProblem({ messages: [user(' ')] }) ?? '', /is blank/);
});

test('toolUse needs toolConfig and an answer in the next user turn', () => {
  const toolConfig = { tools: [{ toolSpec: { name: 't', inputSchema: { json: { type: 'object' } } } }] };
  const use = { role: 'assistant', content: [{ toolUse: { toolUseId: 'tooluse_1', name: 't', input: {} } }] };
  assert.match(
    converseBodyProblem({ messages: [user('a'), use, user('b')] }) ?? '',
    /toolConfig field must be defined/,
  );
  assert.match(
    converseBodyProblem({ toolConfig, messages: [user('a'), use, user('b')] }) ?? '',
    /Expected toolResult blocks at messages.2.content for the following Ids: tooluse_1/,
  );
  const answer = {
    role: 'user',
    content: [{ toolResult: { toolUseId: 'tooluse_1', content: [{ text: 'ok' }] } }],
  };
  assert.equal(converseBodyProblem({ toolConfig, messages: [user('a'), use, answer] }), undefined);
});

test('at most 4 cachePoints', () => {
  const point = { cachePoint: { type: 'default' } };
  const system = [{ text: 's' }, point, { text: 't' }, point];
  const messages = [{ role: 'user', content: [{ text: 'a' }, point, { text: 'b' }, point] }];
  assert.equal(converseBodyProblem({ system, messages }), undefined);
  assert.match(
    converseBodyProblem({ system: [...system, { text: 'u' }, point], messages }) ?? '',
    /maximum of 4/,
  );
});

test('cachePoint TTLs may not go from 5m back to 1h along tools → system → messages', () => {
  const tools = [{ toolSpec: { name: 't', inputSchema: { json: { type: 'object' } } } }];
  const at = (ttl?: '5m' | '1h') => ({ cachePoint: { type: 'default', ...(ttl ? { ttl } : {}) } });
  const body = (toolTtl: '5m' | '1h' | undefined, messageTtl: '5m' | '1h' | undefined) => ({
    toolConfig: { tools: [...tools, at(toolTtl)] },
    messages: [{ role: 'user', content: [{ text: 'a' }, at(messageTtl)] }],
  });
  assert.equal(converseBodyProblem(body('1h', '5m')), undefined);
  assert.equal(converseBodyProblem(body('1h', '1h')), undefined);
  assert.match(
    converseBodyProblem(body('5m', '1h')) ?? '',
    /ttl 1h must not come after a cache point with ttl 5m/,
  );
  // No ttl means 5m.
  assert.match(converseBodyProblem(body(undefined, '1h')) ?? '', /ttl 1h must not come after/);
});
