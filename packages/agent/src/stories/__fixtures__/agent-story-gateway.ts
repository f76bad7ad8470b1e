// A provider simulator with a real gateway in front of it (ephemeral 127.0.0.1 ports), and the agent's model
// client pointed at that gateway: the model side of the story tests.
import { createGateway, createLogger, parseGatewayConfig, simulatedConfig, type Gateway } from '@rampart/gateway';
import { startSimulator, type Simulator } from '@rampart/simulator';
import type { ModelClient } from '../../loop/agent-run-types.js';
import { createGatewayModel } from '../../model/agent-gateway-model.js';
import { createHttpGatewayModel } from '../../model/agent-http-gateway-model.js';

/** The model stories call: requests for it go only to the simulated Anthropic API (no fallback to hide faults). */
export const STORY_MODEL = 'story-claude';
/** The same model behind a fallback: Anthropic first, then Bedrock. */
export const STORY_FALLBACK_MODEL = 'story-claude-fallback';

/** A running simulator + gateway + model client. */
export interface StoryGateway {
  sim: Simulator;
  gateway: Gateway;
  url: string;
  /** Over the gateway's HTTP API. */
  model: ModelClient;
  /** Through gateway.chat, in this process. */
  inProcessModel: ModelClient;
  close(): Promise<void>;
}

/** Starts the simulator and a gateway with the story routes. */
export async function startStoryGateway(): Promise<StoryGateway> {
  const sim = await startSimulator();
  const config = parseGatewayConfig(
    {
      providers: simulatedConfig(sim.url).providers,
      auth: { required: false },
      routes: {
        [STORY_MODEL]: { provider: 'anthropic', model: 'claude-sonnet-4-5' },
        [STORY_FALLBACK_MODEL]: {
          strategy: { mode: 'fallback' },
          targets: [
            { provider: 'anthropic', model: 'claude-sonnet-4-5' },
            { provider: 'bedrock', model: 'claude-sonnet-4-5' },
          ],
        },
      },
    },
    {},
    'agent stories',
  );
  const gateway = createGateway({ config, logger: createLogger({ level: 'silent' }) });
  const url = await gateway.listen(0);
  return {
    sim,
    gateway,
    url,
    model: createHttpGatewayModel({ baseUrl: url }),
    inProcessModel: createGatewayModel(gateway),
    async close() {
      await gateway.close();
      await sim.close();
    },
  };
}
