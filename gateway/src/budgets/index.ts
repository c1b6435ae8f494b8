// Budgets per minute, counted in the shared key-value store (Redis) so every gateway instance
// counts against the same numbers. Over budget is RATE_LIMITED with Retry-After (the seconds left
// in the window), before any subgraph is called:
// - a tenant: operations and summed query cost per minute, from its plan (`tenant.limits`);
// - an API key: its own operations per minute (its rateLimit, checked at authentication) and
//   summed cost per minute (`apiKeyCostPerMinute`);
// - a client address without a credential (logIn, refreshSession, introspection, ...):
//   RATE_LIMIT_ANONYMOUS_PER_MINUTE operations, and RATE_LIMIT_SIGNUPS_PER_HOUR sign-ups.
// Payload queries the subscription hub runs for live events are not client requests and are not counted.
import type { ApolloServerPlugin } from '@apollo/server';
import {
  BUDGET_WINDOW_SECONDS, SIGNUP_WINDOW_SECONDS, budgetKeys, setting, type CallerIdentity, type KeyValueStore,
} from '@bacbos/common';
import { Kind, type DocumentNode, type FragmentDefinitionNode, type SelectionSetNode } from 'graphql';
import { RateLimitedError } from '../access';
import { costOf } from '../limits';

/** Names of the root fields an operation selects, through fragments. */
function rootFields(set: SelectionSetNode, document: DocumentNode, seen = new Set<string>()): string[] {
  return set.selections.flatMap((selection) => {
    if (selection.kind === Kind.FIELD) return [selection.name.value];
    if (selection.kind === Kind.INLINE_FRAGMENT) return rootFields(selection.selectionSet, document, seen);
    if (seen.has(selection.name.value)) return [];
    seen.add(selection.name.value);
    const fragment = document.definitions.find((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION && d.name.value === selection.name.value);
    return fragment ? rootFields(fragment.selectionSet, document, seen) : [];
  });
}

export function budgetsPlugin(kv: KeyValueStore): ApolloServerPlugin<{ caller?: CallerIdentity }> {
  const anonymousPerMinute = setting('RATE_LIMIT_ANONYMOUS_PER_MINUTE');
  const signUpsPerHour = setting('RATE_LIMIT_SIGNUPS_PER_HOUR');

  /**
   * Adds `amount` to a window; over `budget` it refuses with the seconds left in the window. A
   * refused operation still counts as an attempt, but its cost is given back: it ran nothing.
   */
  const spend = async (key: string, windowSeconds: number, budget: number | undefined, amount = 1, isCost = false) => {
    if (budget === undefined || !Number.isFinite(amount) || amount <= 0) return;
    const { count, resetMs } = await kv.hit(key, windowSeconds, amount);
    if (count <= budget) return;
    if (isCost) await kv.hit(key, windowSeconds, -amount);
    throw new RateLimitedError(Math.max(1, Math.ceil(resetMs / 1000)));
  };

  return {
    async requestDidStart({ request }) {
      if (!request.http) return; // the subscription hub's own executions
      return {
        // A RATE_LIMITED error from a subgraph (log-in throttling, a busy password hasher) carries
        // its wait in extensions; HTTP clients get it as Retry-After too.
        async willSendResponse({ response, errors }) {
          const waits = (errors ?? []).map((e) => (e.extensions?.code === 'RATE_LIMITED' ? Number(e.extensions.retryAfter) : NaN)).filter((s) => s > 0);
          if (waits.length && !response.http.headers.has('retry-after')) response.http.headers.set('retry-after', String(Math.max(...waits)));
        },
        async didResolveOperation(requestContext) {
          const { operation, document, contextValue } = requestContext;
          const caller = contextValue.caller;
          if (!operation || !caller) return;
          if (caller.kind === 'anonymous' || !caller.tenantId) {
            const address = caller.ipAddress ?? 'unknown';
            if (rootFields(operation.selectionSet, document).includes('signUp')) {
              await spend(budgetKeys.addressSignUps(address), SIGNUP_WINDOW_SECONDS, signUpsPerHour);
            }
            await spend(budgetKeys.addressAnonymous(address), BUDGET_WINDOW_SECONDS, anonymousPerMinute);
            return;
          }
          const limits = caller.limits ?? {};
          const cost = costOf(requestContext);
          await Promise.all([
            spend(budgetKeys.tenantOperations(caller.tenantId), BUDGET_WINDOW_SECONDS, limits.operationsPerMinute),
            spend(budgetKeys.tenantCost(caller.tenantId), BUDGET_WINDOW_SECONDS, limits.costPerMinute, cost, true),
            caller.apiKeyId ? spend(budgetKeys.apiKeyCost(caller.apiKeyId), BUDGET_WINDOW_SECONDS, limits.apiKeyCostPerMinute, cost, true) : undefined,
          ]);
        },
      };
    },
  };
}
