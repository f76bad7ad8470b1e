// First start of the embedded mode: with an empty store, create team `default`, user `developer` and one key, so
// the quick start's curl works without an admin step. The secret is returned once, for printing once.
import { TenancyError } from './tenancy-errors.js';
import type { CreatedKey, Tenancy } from './tenancy-service.js';

/** Creates the default team, user and key when there are no teams yet; undefined when there were. */
export async function bootstrapTenancy(tenancy: Tenancy): Promise<CreatedKey | undefined> {
  if ((await tenancy.listTeams()).length > 0) return undefined;
  try {
    const team = await tenancy.createTeam({ name: 'default' });
    const user = await tenancy.createUser({ teamId: team.id, name: 'developer' });
    return await tenancy.createKey({ userId: user.id, name: 'first key' });
  } catch (error) {
    // Another process starting on the same store won the race: it prints the key.
    if (error instanceof TenancyError && error.code === 'conflict') return undefined;
    throw error;
  }
}
