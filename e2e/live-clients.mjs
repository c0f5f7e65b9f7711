// Subscribes to liveEvents and triggerFired on a running gateway in sandbox
// mode with three independent GraphQL clients: graphql-ws
// (graphql-transport-ws), subscriptions-transport-ws (the legacy graphql-ws
// protocol) and graphql-sse (distinct connections mode). Each check injects
// events through the sandbox until its subscription receives one.
//
// Usage: node e2e/live-clients.mjs [gateway URL], where the URL defaults
// to GATEWAY_URL or http://127.0.0.1:8080. SANDBOX_URL defaults to the
// gateway URL + /sandbox. Exits non-zero when a
// check fails and ends with a "N passed, N failed" line.

import { randomUUID } from 'node:crypto';

import { createClient as createSSEClient } from 'graphql-sse';
import { createClient as createWSClient } from 'graphql-ws';
import transportWS from 'subscriptions-transport-ws';
import WebSocket from 'ws';

const gatewayURL = (process.argv[2] || process.env.GATEWAY_URL || 'http://127.0.0.1:8080').replace(/\/$/, '');
const sandboxURL = (process.env.SANDBOX_URL || `${gatewayURL}/sandbox`).replace(/\/$/, '');
const queryURL = `${gatewayURL}/query`;
const socketURL = queryURL.replace(/^http/, 'ws');
const checkTimeoutMs = Number(process.env.CHECK_TIMEOUT_MS || 20000);

const liveQuery = `subscription Live($filter: EventFilter) {
  liveEvents(filter: $filter) { id type organization company { name } }
}`;
const triggerQuery = `subscription Fired($id: ID!) {
  triggerFired(subscriptionId: $id) { id type organization }
}`;

// Each client exposes subscribe(query, variables, onData, onError), which
// returns a function that unsubscribes, and close().
const clients = {
  'graphql-ws': () => {
    const client = createWSClient({ url: socketURL, webSocketImpl: WebSocket, retryAttempts: 0 });
    return {
      subscribe(query, variables, onData, onError) {
        return client.subscribe({ query, variables }, {
          next: onData,
          error: onError,
          complete: () => {},
        });
      },
      close: () => client.dispose(),
    };
  },
  'subscriptions-transport-ws': () => {
    const client = new transportWS.SubscriptionClient(socketURL, { reconnect: false }, WebSocket);
    return {
      subscribe(query, variables, onData, onError) {
        const sub = client.request({ query, variables }).subscribe({
          next: onData,
          error: onError,
          complete: () => {},
        });
        return () => sub.unsubscribe();
      },
      close: () => client.close(),
    };
  },
  'graphql-sse': () => {
    const client = createSSEClient({ url: queryURL, retryAttempts: 0 });
    return {
      subscribe(query, variables, onData, onError) {
        return client.subscribe({ query, variables }, {
          next: onData,
          error: onError,
          complete: () => {},
        });
      },
      close: () => client.dispose(),
    };
  },
};

async function post(url, body) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) {
    throw new Error(`POST ${url} returned ${res.status}: ${text}`);
  }
  return text ? JSON.parse(text) : null;
}

async function graphql(query, variables) {
  const result = await post(queryURL, { query, variables });
  if (result.errors) {
    throw new Error(`GraphQL errors: ${JSON.stringify(result.errors)}`);
  }
  return result.data;
}

// injectEvent makes the sandbox generate one event at organization now.
async function injectEvent(organization) {
  const id = randomUUID();
  await post(`${sandboxURL}/_sandbox/events`, {
    id,
    at: Date.now(),
    type: 'job-join',
    typeName: 'External Movement',
    org: organization,
    source: 'e2e',
    employee: { name: 'Test Person', organisation: organization },
  });
  return id;
}

// receiveOne subscribes and injects an event every 300 ms, because the
// gateway opens its upstream socket after the subscription starts, until
// an event for organization arrives.
function receiveOne(client, query, variables, field, organization) {
  return new Promise((resolve, reject) => {
    let unsubscribe = () => {};
    let injector;
    const finish = (err, value) => {
      clearInterval(injector);
      clearTimeout(timer);
      unsubscribe();
      if (err) {
        reject(err);
      } else {
        resolve(value);
      }
    };
    const timer = setTimeout(
      () => finish(new Error(`no ${field} event within ${checkTimeoutMs} ms`)),
      checkTimeoutMs,
    );
    unsubscribe = client.subscribe(query, variables, (result) => {
      if (result.errors) {
        finish(new Error(`${field} errors: ${JSON.stringify(result.errors)}`));
        return;
      }
      const event = result.data?.[field];
      if (event && event.organization === organization) {
        finish(null, event);
      }
    }, (err) => finish(err instanceof Error ? err : new Error(JSON.stringify(err))));
    injector = setInterval(() => {
      injectEvent(organization).catch((err) => finish(err));
    }, 300);
  });
}

async function checkLiveEvents(name, client) {
  const organization = `E2E Live ${name} ${randomUUID().slice(0, 8)}`;
  const event = await receiveOne(client, liveQuery, { filter: { organizations: [organization] } },
    'liveEvents', organization);
  if (!event.id || event.type !== 'job-join') {
    throw new Error(`unexpected liveEvents payload ${JSON.stringify(event)}`);
  }
}

async function checkTriggerFired(name, client) {
  const organization = `E2E Trigger ${name} ${randomUUID().slice(0, 8)}`;
  const created = await graphql(`mutation Create($input: TriggerSubscriptionInput!) {
    createTriggerSubscription(input: $input) { id callback { url } }
  }`, { input: { name: `e2e-${name}`, active: true, pattern: { org: organization } } });
  const trigger = created.createTriggerSubscription;
  try {
    const event = await receiveOne(client, triggerQuery, { id: trigger.id }, 'triggerFired', organization);
    if (!event.id) {
      throw new Error(`unexpected triggerFired payload ${JSON.stringify(event)}`);
    }
  } finally {
    await graphql('mutation Delete($id: ID!) { deleteTriggerSubscription(id: $id) }', { id: trigger.id });
  }
}

let passed = 0;
let failed = 0;
for (const [name, makeClient] of Object.entries(clients)) {
  for (const [check, run] of [['liveEvents', checkLiveEvents], ['triggerFired', checkTriggerFired]]) {
    const client = makeClient();
    try {
      await run(name, client);
      passed++;
      console.log(`ok ${name} ${check}`);
    } catch (err) {
      failed++;
      console.log(`FAIL ${name} ${check}: ${err.message}`);
    } finally {
      client.close();
    }
  }
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
