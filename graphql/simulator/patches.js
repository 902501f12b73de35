'use strict';
// The ONE place where the local runner changes how @aws-amplify/amplify-appsync-simulator
// behaves. Each patch bridges a gap between the simulator (pinned at 2.16.20 in package.json)
// and real AppSync that cannot be bridged in the VTL templates, which must stay exactly what
// deploys. Every patch reaches into the simulator's internals, so each one checks the shape it
// expects and fails loudly (instead of silently doing nothing) if a new version changed it.

const path = require('path');

const SIMULATOR_DIR = path.dirname(require.resolve('@aws-amplify/amplify-appsync-simulator/package.json'));
// graphql-subscriptions as the simulator itself resolves it, so the iterator types match.
const { withFilter } = require(require.resolve('graphql-subscriptions', { paths: [SIMULATOR_DIR] }));

// Java-like values VTL templates see (the simulator's own mapper and string type).
const { JavaString } = require(path.join(SIMULATOR_DIR, 'lib/velocity/value-mapper/string'));
const { VelocityTemplate } = require(path.join(SIMULATOR_DIR, 'lib/velocity'));
const { map: toJavaValue } = require(path.join(SIMULATOR_DIR, 'lib/velocity/value-mapper/mapper'));
const { JavaMap } = require(path.join(SIMULATOR_DIR, 'lib/velocity/value-mapper/map'));
const { DynamoDBDataLoader } = require(path.join(SIMULATOR_DIR, 'lib/data-loader/dynamo-db'));
// The DynamoDB client as the simulator itself resolves it, so commands match its client.
const { BatchGetItemCommand } = require(require.resolve('@aws-sdk/client-dynamodb', { paths: [SIMULATOR_DIR] }));

const LOOPBACK = '127.0.0.1';
const REALTIME_PATH = '/graphql/realtime';

function expect(condition, what) {
  if (!condition) {
    throw new Error(`amplify-appsync-simulator internals changed (${what}); review graphql/simulator/patches.js`);
  }
}

/**
 * Gap: AppSyncSimulatorServer.start() probes ports with get-port (which briefly binds every
 * interface) and then calls httpServer.listen(port) with no host, i.e. on all interfaces.
 * Everything local must listen on 127.0.0.1 only, so start() is replaced by the same steps
 * bound to loopback. Port 0 lets the OS pick a free port (no probe, no race); the real-time
 * WebSocket endpoint is attached to the same HTTP server, at /graphql/realtime.
 */
function bindLoopbackOnly(simulator, port) {
  const server = simulator._server;
  expect(server && server._httpServer && server._realTimeSubscriptionServer, 'AppSyncSimulatorServer fields');
  server.start = async function startOnLoopback() {
    await this._realTimeSubscriptionServer.start();
    await new Promise((resolve, reject) => {
      this._httpServer.once('error', reject);
      this._httpServer.listen(port, LOOPBACK, () => {
        this._httpServer.off('error', reject);
        resolve();
      });
    });
    const actualPort = this._httpServer.address().port;
    this._url = `http://${LOOPBACK}:${actualPort}`;
    this._localhostUrl = this._url;
  };
}

/**
 * Gap: the simulator filters subscription events through graphql-subscriptions' withFilter,
 * but calls the filter without the subscription's arguments (asyncIterator(trigger) invokes
 * withFilter(...)() with no args), so every subscriber gets every event and
 * onTick(symbol: "AMZN") also receives MSFT ticks. Real AppSync delivers an event only when
 * each argument the subscriber gave equals the same-named field of the mutation's result
 * (null arguments do not filter). This re-creates each Subscription field's subscribe with
 * the arguments passed through. A null payload (the mutation failed, e.g. a rejected chat
 * message) is never delivered, as before.
 */
function filterSubscriptionsByArguments(simulator) {
  const subscriptionType = simulator.schema && simulator.schema.getSubscriptionType();
  expect(subscriptionType, 'schema with a Subscription type (call after init)');
  expect(simulator.pubsub && typeof simulator.pubsub.asyncIterator === 'function', 'pubsub');
  for (const [name, field] of Object.entries(subscriptionType.getFields())) {
    expect(typeof field.subscribe === 'function', `subscribe on Subscription.${name}`);
    field.subscribe = withFilter(
      () => simulator.pubsub.asyncIterator(name),
      (payload, args) => matchesArguments(payload, args),
    );
  }
}

function matchesArguments(payload, args) {
  if (payload === null || payload === undefined) {
    return false;
  }
  return Object.entries(args || {})
    .filter(([, value]) => value !== null && value !== undefined)
    .every(([key, value]) => payload[key] === value);
}

/**
 * Gap: the real-time server parses each WebSocket frame with JSON.parse outside any try, and
 * runs 'start' (parse of the query, auth check, subscribe) as a promise nobody awaits. A frame
 * that is not JSON, a start with a syntax error or a bad API key therefore throws out of the
 * socket's 'message' handler or becomes an unhandled rejection, which kills Node 20. Real
 * AppSync answers such frames with an "error" message and keeps the connection. This wraps
 * the handler so both cases are logged and answered with an error, and the server keeps going.
 */
function guardRealtimeMessages(simulator, log) {
  const realtime = simulator._server && simulator._server._realTimeSubscriptionServer
    && simulator._server._realTimeSubscriptionServer.realtimeServer;
  expect(realtime && typeof realtime.onMessage === 'function' && typeof realtime.sendError === 'function',
    'WebsocketSubscriptionServer.onMessage/sendError');
  const original = realtime.onMessage;
  const answer = (connection, raw, error) => {
    const message = error && error.message ? error.message : String(error);
    log(`rejected real-time message: ${message}`);
    let id = '';
    try {
      const parsed = JSON.parse(raw);
      id = parsed && typeof parsed.id === 'string' ? parsed.id : '';
    } catch (ignored) {
      // Not JSON: the error goes out without a subscription id.
    }
    const errorType = message.startsWith('UnauthorizedException') ? 'UnauthorizedException' : 'BadRequestException';
    try {
      realtime.sendError(connection, id, { errors: [{ errorType, message }] });
    } catch (sendFailure) {
      log(`could not answer a rejected real-time message: ${sendFailure.message}`);
    }
  };
  realtime.onMessage = (connection, raw) => {
    try {
      const result = original(connection, raw);
      if (result && typeof result.then === 'function') {
        return result.catch((error) => answer(connection, raw, error));
      }
      return result;
    } catch (error) {
      answer(connection, raw, error);
      return undefined;
    }
  };
}

/**
 * Gap: in a response template the simulator exposes $ctx.error.type and $ctx.error.message
 * as plain JavaScript strings, while every other value a template sees is wrapped as a Java
 * value. On AppSync they are java.lang.String, so a template may call String methods on them
 * (Mutation.vote.response.vtl calls .contains("ConditionalCheckFailed") on the type); in the
 * simulator such a call silently yields nothing, and a failed vote came back as the raw
 * DynamoDB error instead of MovieNotCurrent. This wraps both as the simulator's JavaString.
 * Patched on the prototype, so it applies to every template of this process.
 */
function errorFieldsAsJavaStrings() {
  const proto = VelocityTemplate && VelocityTemplate.prototype;
  expect(proto && typeof proto.buildRenderContext === 'function', 'VelocityTemplate.buildRenderContext');
  expect(typeof JavaString === 'function', 'value-mapper JavaString');
  if (proto.buildRenderContext.patchedErrorFields) return;
  const original = proto.buildRenderContext;
  const patched = function buildRenderContext(...args) {
    const context = original.apply(this, args);
    const error = context.ctx && context.ctx.error;
    if (error) {
      // ctx and context are the same object in the simulator; set both anyway.
      const wrapped = {
        ...error,
        type: new JavaString(String(error.type)),
        message: new JavaString(String(error.message)),
      };
      context.ctx.error = wrapped;
      context.context.error = wrapped;
    }
    return context;
  };
  patched.patchedErrorFields = true;
  proto.buildRenderContext = patched;
}

/**
 * Gap: AppSync gives every template the API's environment variables as $ctx.env (set on the
 * GraphQL API; see https://docs.aws.amazon.com/appsync/latest/devguide/environment-variables.html);
 * the simulator has no $ctx.env. This adds the given variables, as Java-like values, to every
 * template's context. Patched on the prototype, once per process.
 */
function environmentVariables(variables) {
  const proto = VelocityTemplate && VelocityTemplate.prototype;
  expect(proto && typeof proto.buildRenderContext === 'function', 'VelocityTemplate.buildRenderContext');
  expect(typeof toJavaValue === 'function', 'value-mapper map');
  const original = proto.buildRenderContext;
  const frozen = Object.freeze({ ...variables });
  proto.buildRenderContext = function buildRenderContext(...args) {
    const context = original.apply(this, args);
    // ctx and context are the same object in the simulator.
    context.ctx.env = toJavaValue({ ...frozen });
    context.context.env = context.ctx.env;
    return context;
  };
  proto.buildRenderContext.patchedErrorFields = original.patchedErrorFields;
}

/**
 * Gap: the simulator's DynamoDB data source throws "not implemented" for BatchGetItem. This
 * implements it as AppSync documents it
 * (https://docs.aws.amazon.com/appsync/latest/devguide/aws-appsync-resolver-mapping-template-reference-dynamodb-batch-get-item.html):
 * $ctx.result.data.<table> lists one item per requested key, in key order, null where there is
 * none; unprocessedKeys.<table> lists the keys DynamoDB did not process. As a data source role
 * does on AppSync, it refuses a table other than the data source's own.
 */
function batchGetItem() {
  const proto = DynamoDBDataLoader && DynamoDBDataLoader.prototype;
  expect(proto && typeof proto.load === 'function', 'DynamoDBDataLoader.load');
  expect(typeof BatchGetItemCommand === 'function', '@aws-sdk/client-dynamodb BatchGetItemCommand');
  if (proto.load.patchedBatchGetItem) return;
  const { unmarshall } = require(path.join(SIMULATOR_DIR, 'lib/data-loader/dynamo-db/utils'));
  const original = proto.load;
  const patched = async function load(payload) {
    if (!payload || payload.operation !== 'BatchGetItem') {
      return original.call(this, payload);
    }
    const tables = payload.tables || {};
    const names = Object.keys(tables);
    const foreign = names.filter((name) => name !== this.tableName);
    if (!names.length || foreign.length) {
      const error = new Error(`BatchGetItem may read only table ${this.tableName}, got ${names.join(', ') || 'none'}`);
      error.extensions = { errorType: 'DynamoDB:AccessDeniedException' };
      throw error;
    }
    const requestItems = {};
    for (const name of names) {
      const { keys = [], consistentRead = false } = tables[name];
      requestItems[name] = { Keys: keys, ConsistentRead: consistentRead };
    }
    let response;
    try {
      response = await this.client.send(new BatchGetItemCommand({ RequestItems: requestItems }));
    } catch (e) {
      e.extensions = { errorType: 'DynamoDB:' + e.name };
      throw e;
    }
    const sameKey = (item, key) => Object.entries(key).every(([attribute, value]) =>
      JSON.stringify(item[attribute]) === JSON.stringify(value));
    const data = {};
    const unprocessedKeys = {};
    for (const name of names) {
      const items = (response.Responses && response.Responses[name]) || [];
      data[name] = requestItems[name].Keys.map((key) => {
        const found = items.find((item) => sameKey(item, key));
        return found ? unmarshall(found) : null;
      });
      const unprocessed = response.UnprocessedKeys && response.UnprocessedKeys[name];
      unprocessedKeys[name] = unprocessed ? unprocessed.Keys.map((key) => unmarshall(key)) : [];
    }
    return { data, unprocessedKeys };
  };
  patched.patchedBatchGetItem = true;
  proto.load = patched;
}

/**
 * Gap: a template's map ({} in VTL) keys entries by the key object in the simulator: put($s)
 * with a string from the arguments (a JavaString wrapper) and a later containsKey($s) with
 * another wrapper of the same text miss each other, while get() compares the text. On AppSync
 * keys are java.lang.String, equal by value (Query.latestTicks.request.vtl drops duplicate
 * symbols that way). This keys put, containsKey and remove by the text of a string key too.
 */
function javaMapKeysByValue() {
  const proto = JavaMap && JavaMap.prototype;
  expect(proto && ['put', 'containsKey', 'remove'].every((m) => typeof proto[m] === 'function'), 'JavaMap put/containsKey/remove');
  if (proto.put.patchedKeys) return;
  const textOf = (key) => (key instanceof JavaString ? key.toString() : key);
  for (const method of ['put', 'containsKey', 'remove']) {
    const original = proto[method];
    proto[method] = function byValue(key, ...rest) {
      return original.call(this, textOf(key), ...rest);
    };
    proto[method].patchedKeys = true;
  }
}

module.exports = {
  batchGetItem,
  javaMapKeysByValue,
  environmentVariables,
  errorFieldsAsJavaStrings,
  LOOPBACK,
  REALTIME_PATH,
  bindLoopbackOnly,
  filterSubscriptionsByArguments,
  guardRealtimeMessages,
  matchesArguments,
};
