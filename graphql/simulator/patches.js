'use strict';
// The ONE place where the local runner changes how @aws-amplify/amplify-appsync-simulator
// behaves. Each patch bridges a gap between the simulator (pinned at 2.16.20 in package.json)
// and real AppSync that cannot be bridged in the VTL templates, which must stay exactly what
// deploys. Every patch reaches into the simulator's internals, so each one checks the shape it
// expects and fails loudly (instead of silently doing nothing) if a new version changed it.

const path = require('path');
const { AsyncLocalStorage } = require('async_hooks');

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
const { BatchGetItemCommand, GetItemCommand, PutItemCommand } =
  require(require.resolve('@aws-sdk/client-dynamodb', { paths: [SIMULATOR_DIR] }));

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
 * Gap: the simulator's PutItem writes the item, then reads it back with a separate GetItem and
 * returns what it read. When two requests write the same key at once (a consumer's retry beside
 * the abandoned request a thawed or slow server still runs), the first one's result, and so its
 * broadcast, is the second one's item: a subscriber gets tick N+1 twice and never tick N. AppSync
 * returns the item this write stored ("the item written to DynamoDB is ... available in
 * $context.result", DynamoDB resolver reference, PutItem). PutItem replaces the whole item, so
 * that is its key plus its attribute values.
 */
function putItemReturnsTheItemItWrote() {
  const proto = DynamoDBDataLoader && DynamoDBDataLoader.prototype;
  expect(proto && typeof proto.putItem === 'function', 'DynamoDBDataLoader.putItem');
  expect(typeof PutItemCommand === 'function', '@aws-sdk/client-dynamodb PutItemCommand');
  if (proto.putItem.patchedReturnsWritten) return;
  const { unmarshall } = require(path.join(SIMULATOR_DIR, 'lib/data-loader/dynamo-db/utils'));
  const patched = async function putItem(payload) {
    const { key, attributeValues, condition: { expression, expressionNames, expressionValues } = {} } = payload;
    const item = { ...key, ...attributeValues };
    await this.client.send(new PutItemCommand({
      TableName: this.tableName,
      Item: item,
      ConditionExpression: expression,
      ExpressionAttributeNames: expressionNames,
      ExpressionAttributeValues: expressionValues,
    }));
    return unmarshall(item);
  };
  patched.patchedReturnsWritten = true;
  proto.putItem = patched;
}

/**
 * Gap: the simulator's $util.math.roundNum is JavaScript's Math.round, exact to 2^53. AppSync
 * documents it as "$util.math.roundNum(Double) : Integer" (Developer Guide, "Math helpers in
 * $util.math", https://docs.aws.amazon.com/appsync/latest/devguide/math-helpers-in-util-math.html):
 * a 32-bit Integer. What AppSync does with a value outside that range is not documented (it could
 * saturate, wrap or fail), so here such a call fails the resolver with a MappingTemplate error:
 * a template that depends on it breaks in every test instead of passing here and misbehaving in
 * an undocumented way on AWS. Within the range it rounds half up, as Java's Math.round does.
 */
const INTEGER_MIN = -(2 ** 31);
const INTEGER_MAX = 2 ** 31 - 1;

function roundNumReturnsAnInteger() {
  const proto = VelocityTemplate && VelocityTemplate.prototype;
  expect(proto && typeof proto.buildRenderContext === 'function', 'VelocityTemplate.buildRenderContext');
  if (proto.buildRenderContext.patchedRoundNum) return;
  const original = proto.buildRenderContext;
  const patched = function buildRenderContext(...args) {
    const context = original.apply(this, args);
    const util = context.util;
    expect(util && util.math && typeof util.error === 'function', '$util.math and $util.error');
    // util.error records the error for the field and throws, as $util.error does in a template.
    const roundNum = (value) => {
      const number = value === null || value === undefined ? NaN : Number(value.valueOf());
      const rounded = Math.round(number);
      if (!Number.isFinite(number) || rounded < INTEGER_MIN || rounded > INTEGER_MAX) {
        util.error(`$util.math.roundNum(Double) : Integer got ${value}, outside the 32-bit Integer range `
          + 'AppSync documents for it', 'MappingTemplate');
      }
      return rounded;
    };
    util.math = { ...util.math, roundNum };
    return context;
  };
  Object.assign(patched, original); // keep the other patches' markers
  patched.patchedRoundNum = true;
  proto.buildRenderContext = patched;
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

/**
 * Gap: the simulator publishes a mutation's whole resolver result to subscribers, so a
 * subscriber gets fields the mutation never selected. AppSync delivers only the fields the
 * triggering mutation selected: other nullable fields arrive null, and an unselected non-null
 * field fails the event ("Cannot return null for non-nullable type"), which hides a real bug
 * locally. This runs each Mutation field's resolver with its own selection in scope and shapes
 * what it publishes to that selection (aliases resolved to field names, fragments flattened), so
 * the subscription's own execution then sees what AppSync's would. Subscription argument
 * filters compare against the shaped payload too, as on AppSync (a filter on a field the mutation
 * did not select matches nothing).
 */
function shapePayloadsBySelectionSet(simulator) {
  const mutationType = simulator.schema && simulator.schema.getMutationType();
  expect(mutationType, 'schema with a Mutation type (call after init)');
  const pubsub = simulator.pubsub;
  expect(pubsub && typeof pubsub.publish === 'function', 'pubsub.publish');
  const current = new AsyncLocalStorage();
  for (const field of Object.values(mutationType.getFields())) {
    if (typeof field.resolve !== 'function') {
      continue; // no resolver, nothing published
    }
    const resolve = field.resolve;
    field.resolve = (parent, args, context, info) => current.run(info, () => resolve(parent, args, context, info));
  }
  const publish = pubsub.publish.bind(pubsub);
  pubsub.publish = (trigger, payload) => {
    const info = current.getStore();
    if (!info || !info.fieldNodes || !info.fieldNodes.length) {
      return publish(trigger, payload);
    }
    return publish(trigger, shapeBySelection(payload, info.fieldNodes[0].selectionSet, info.fragments || {}));
  };
}

/** The part of {@code value} a selection set asks for, keyed by field name. */
function shapeBySelection(value, selectionSet, fragments) {
  if (value === null || value === undefined || !selectionSet || typeof value !== 'object') {
    return value;
  }
  if (Array.isArray(value)) {
    return value.map((item) => shapeBySelection(item, selectionSet, fragments));
  }
  const shaped = {};
  for (const node of selectedFields(selectionSet, fragments)) {
    const name = node.name.value;
    if (name === '__typename' || !(name in value)) {
      continue;
    }
    const inner = shapeBySelection(value[name], node.selectionSet, fragments);
    shaped[name] = shaped[name] && typeof shaped[name] === 'object' && inner && typeof inner === 'object'
      ? { ...shaped[name], ...inner } : inner;
  }
  return shaped;
}

function selectedFields(selectionSet, fragments, into = []) {
  for (const selection of selectionSet.selections) {
    if (selection.kind === 'Field') {
      into.push(selection);
    } else if (selection.kind === 'InlineFragment') {
      selectedFields(selection.selectionSet, fragments, into);
    } else if (selection.kind === 'FragmentSpread' && fragments[selection.name.value]) {
      selectedFields(fragments[selection.name.value].selectionSet, fragments, into);
    }
  }
  return into;
}

/**
 * Gap: the simulator's connection_ack carries {"connectionTimeout": ...}; AppSync's carries
 * {"connectionTimeoutMs": 300000}, which clients use to detect a dead connection (no "ka"
 * within that time). The original also starts two keep-alive timers per connection (one leaks
 * past close); this sends AppSync's ack and starts one.
 */
function ackWithConnectionTimeoutMs(simulator) {
  const realtime = realtimeServer(simulator);
  expect(typeof realtime.onConnectionInit === 'function' && typeof realtime.setupPing === 'function'
    && typeof realtime.sendMessage === 'function', 'WebsocketSubscriptionServer.onConnectionInit/setupPing');
  const timeoutMs = (realtime.options && realtime.options.connectionTimeoutDuration) || 5 * 60 * 1000;
  realtime.onConnectionInit = (connection) => {
    connection.isConnectionInitialized = true;
    realtime.sendMessage(connection, undefined, 'connection_ack', { connectionTimeoutMs: timeoutMs });
    realtime.setupPing(connection);
  };
}

/**
 * Gap: a connection whose auth headers the simulator refuses (a wrong or missing API key) is closed
 * at once with 1002, nothing said. AppSync accepts the WebSocket and answers connection_init with
 * {"type":"connection_error","payload":{"errors":[{"errorType":"UnauthorizedException",
 * "message":"You are not authorized to make this call.","errorCode":401}]}} (what clients log for an
 * expired key, e.g. aws-amplify/amplify-flutter#2763), so a client can tell a refused key from a
 * broken endpoint. This keeps a refused connection open until its connection_init, answers it so,
 * and then closes it. Call after ackWithConnectionTimeoutMs (it wraps the ack).
 */
function refuseConnectionsAsAppSync(simulator) {
  const realtime = realtimeServer(simulator);
  expect(realtime.options && typeof realtime.options.onConnectHandler === 'function'
    && typeof realtime.onConnectionInit === 'function' && typeof realtime.sendError === 'function',
  'WebsocketSubscriptionServer.options.onConnectHandler/onConnectionInit/sendError');
  const authorize = realtime.options.onConnectHandler;
  realtime.options.onConnectHandler = async (connection, headers) => {
    try {
      await authorize(connection, headers);
    } catch (error) {
      const message = error && error.message ? error.message : String(error);
      if (!message.startsWith('UnauthorizedException')) {
        throw error;
      }
      connection.refusedBecause = message;
    }
  };
  const acknowledge = realtime.onConnectionInit;
  realtime.onConnectionInit = (connection) => {
    if (!connection.refusedBecause) {
      return acknowledge(connection);
    }
    realtime.sendError(connection, undefined, { errors: [{ errorType: 'UnauthorizedException',
      message: 'You are not authorized to make this call.', errorCode: 401 }] }, 'connection_error');
    setTimeout(() => connection.socket.close(1000), 10);
    return undefined;
  };
}

/**
 * Gap: the simulator reads the auth headers only from the `header` query parameter and accepts
 * a connection only if the first offered subprotocol is graphql-ws. AppSync also accepts them as
 * a `header-<base64url JSON>` subprotocol next to graphql-ws (what Amplify JS v6 sends). Before
 * the WebSocket server sees an upgrade to the real-time path, this moves such a subprotocol's
 * headers into the `header` query parameter (when there is none) and drops it from the offered
 * list, so graphql-ws is chosen and the usual auth check runs on those headers.
 */
function acceptAuthSubprotocol(simulator) {
  const httpServer = simulator._server && simulator._server._httpServer;
  expect(httpServer && typeof httpServer.prependListener === 'function', 'AppSyncSimulatorServer._httpServer');
  httpServer.prependListener('upgrade', (request) => moveAuthSubprotocolToQuery(request));
}

function moveAuthSubprotocolToQuery(request) {
  const offered = String(request.headers['sec-websocket-protocol'] || '')
    .split(',').map((p) => p.trim()).filter(Boolean);
  const auth = offered.find((p) => p.startsWith('header-'));
  if (!auth || !String(request.url || '').startsWith(REALTIME_PATH)) {
    return;
  }
  request.headers['sec-websocket-protocol'] = offered.filter((p) => p !== auth).join(', ');
  const url = new URL(request.url, 'http://127.0.0.1');
  if (!url.searchParams.get('header')) {
    // base64url to base64: the simulator decodes the parameter as base64.
    let header = auth.slice('header-'.length).replace(/-/g, '+').replace(/_/g, '/');
    header += '='.repeat((4 - (header.length % 4)) % 4);
    url.searchParams.set('header', header);
    if (!url.searchParams.get('payload')) url.searchParams.set('payload', 'e30=');
    request.url = url.pathname + url.search;
  }
}

/**
 * Gap: when a condition fails, the simulator answers ConditionalCheckFailedException at once
 * (its UpdateItem even asks DynamoDB for the old item with ReturnValuesOnConditionCheckFailure,
 * which needs no permission of its own). AppSync instead reads the current item with a GetItem
 * under the data source's role (strongly consistent unless the condition says consistentRead:
 * false), treats the write as a success when that item already is the desired result (PutItem:
 * the item written, equalsIgnore attributes aside; DeleteItem: no item), and otherwise applies the
 * conditionalCheckFailedHandler strategy, Reject by default ("Handling a condition check failure",
 * https://docs.aws.amazon.com/appsync/latest/devguide/aws-appsync-resolver-mapping-template-reference-dynamodb-condition-expressions.html).
 * So a data source role without dynamodb:GetItem fails there with an access error instead of the
 * condition's error type; here the same GetItem runs with the data source's own credentials
 * (through the local IAM gateway in the local run), so it fails here too. For UpdateItem the
 * desired result is not known before the update runs, so it is never taken as a success.
 */
function conditionFailureReadsTheItem() {
  const proto = DynamoDBDataLoader && DynamoDBDataLoader.prototype;
  expect(proto && typeof proto.load === 'function', 'DynamoDBDataLoader.load');
  expect(typeof GetItemCommand === 'function', '@aws-sdk/client-dynamodb GetItemCommand');
  if (proto.load.patchedConditionRead) return;
  const { unmarshall } = require(path.join(SIMULATOR_DIR, 'lib/data-loader/dynamo-db/utils'));
  const original = proto.load;
  const patched = async function load(payload) {
    try {
      return await original.call(this, payload);
    } catch (failure) {
      const condition = payload && payload.condition;
      if (!condition || !failure || failure.name !== 'ConditionalCheckFailedException') throw failure;
      let current;
      try {
        const read = await this.client.send(new GetItemCommand({
          TableName: this.tableName,
          Key: payload.key,
          ConsistentRead: condition.consistentRead !== false,
        }));
        current = read.Item || null;
      } catch (readFailure) {
        readFailure.extensions = { errorType: 'DynamoDB:' + readFailure.name };
        throw readFailure;
      }
      const strategy = (condition.conditionalCheckFailedHandler || {}).strategy || 'Reject';
      expect(strategy === 'Reject', `conditionalCheckFailedHandler strategy ${strategy} (only Reject is served locally)`);
      const ignored = new Set(condition.equalsIgnore || []);
      if (payload.operation === 'PutItem' && current
        && sameItem(current, { ...payload.key, ...payload.attributeValues }, ignored)) {
        return unmarshall(current);
      }
      if (payload.operation === 'DeleteItem' && !current) return null;
      throw failure;
    }
  };
  Object.assign(patched, original); // keep the other patches' markers
  patched.patchedConditionRead = true;
  proto.load = patched;
}

/** Two DynamoDB items (attribute-value maps) hold the same values; numbers compare by value. */
function sameItem(a, b, ignored = new Set()) {
  const names = new Set([...Object.keys(a), ...Object.keys(b)].filter((n) => !ignored.has(n)));
  return [...names].every((n) => n in a && n in b && sameValue(a[n], b[n]));
}

function sameValue(a, b) {
  const [type] = Object.keys(a);
  if (!(type in b)) return false;
  const x = a[type];
  const y = b[type];
  switch (type) {
    case 'N': return Number(x) === Number(y);
    case 'NS': return x.length === y.length && x.every((n) => y.some((m) => Number(m) === Number(n)));
    case 'SS': return x.length === y.length && x.every((v) => y.includes(v));
    case 'L': return x.length === y.length && x.every((v, i) => sameValue(v, y[i]));
    case 'M': return sameItem(x, y);
    default: return JSON.stringify(x) === JSON.stringify(y);
  }
}

/**
 * Gap: the simulator takes any request whose Authorization header starts with AWS4-HMAC-SHA256
 * as an IAM caller and verifies nothing. In the local run the IAM gateway verifies the signature
 * and the caller's appsync:GraphQL permission for every top-level field, then forwards the request
 * with the run's gateway token; with a token configured, an IAM request (HTTP or real-time)
 * without it is refused as AppSync refuses a request it cannot authenticate (401
 * UnauthorizedException), so nothing reaches an IAM-only field around the gateway.
 */
const GATEWAY_TOKEN_HEADER = 'x-refarch-iam-gateway';

function iamOnlyThroughGateway(token) {
  const modePath = path.join(SIMULATOR_DIR, 'lib/utils/auth-helpers/current-auth-mode');
  const authMode = require(modePath);
  expect(typeof authMode.getAuthorizationMode === 'function', 'auth-helpers getAuthorizationMode');
  if (authMode.getAuthorizationMode.patchedGateway) return;
  const original = authMode.getAuthorizationMode;
  const patched = function getAuthorizationMode(headers, appSyncConfig) {
    const mode = original(headers, appSyncConfig);
    if (mode === 'AWS_IAM') {
      const sent = headers && (headers[GATEWAY_TOKEN_HEADER] || headers[GATEWAY_TOKEN_HEADER.toUpperCase()]);
      if (sent !== token) {
        throw new Error('UnauthorizedException: IAM requests are verified by the local IAM gateway; '
          + 'send them to its endpoint, not to the simulator');
      }
    }
    return mode;
  };
  patched.patchedGateway = true;
  authMode.getAuthorizationMode = patched;
}

function realtimeServer(simulator) {
  const realtime = simulator._server && simulator._server._realTimeSubscriptionServer
    && simulator._server._realTimeSubscriptionServer.realtimeServer;
  expect(realtime, 'AppSyncSimulatorSubscriptionServer.realtimeServer');
  return realtime;
}

module.exports = {
  batchGetItem,
  conditionFailureReadsTheItem,
  iamOnlyThroughGateway,
  sameItem,
  putItemReturnsTheItemItWrote,
  roundNumReturnsAnInteger,
  javaMapKeysByValue,
  environmentVariables,
  ackWithConnectionTimeoutMs,
  refuseConnectionsAsAppSync,
  acceptAuthSubprotocol,
  moveAuthSubprotocolToQuery,
  shapeBySelection,
  shapePayloadsBySelectionSet,
  errorFieldsAsJavaStrings,
  LOOPBACK,
  REALTIME_PATH,
  bindLoopbackOnly,
  filterSubscriptionsByArguments,
  guardRealtimeMessages,
  matchesArguments,
};
