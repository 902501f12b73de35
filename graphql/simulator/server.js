#!/usr/bin/env node
'use strict';
/*
 * Runs the AppSync API locally: @aws-amplify/amplify-appsync-simulator loaded with
 * graphql/schema.graphql, the data sources and resolvers declared in graphql/resolvers.json
 * (the same file the CDK stack deploys from) and the VTL templates in graphql/resolvers/.
 *
 * Usage (from the repository root, after `npm ci`):
 *   node graphql/simulator/server.js --dynamodb-endpoint http://127.0.0.1:8000 \
 *        --table reviews=Reviews --table movies=Movies [--port 0] [--api-key KEY] [--exit-on-stdin-close]
 *
 * Configuration (a flag wins over its environment variable):
 *   --dynamodb-endpoint URL   APPSYNC_SIM_DYNAMODB_ENDPOINT   DynamoDB (Local) endpoint; required
 *                                                            when resolvers.json has DynamoDB sources
 *   --table LOGICAL=NAME      APPSYNC_SIM_TABLE_<LOGICAL>     real table name of each logical table of
 *                             (e.g. APPSYNC_SIM_TABLE_REVIEWS) resolvers.json ("reviews", "movies");
 *                                                            every logical table needs one
 *   --env NAME=VALUE          APPSYNC_SIM_ENV_<NAME>          an API environment variable of resolvers.json's
 *                             (e.g. APPSYNC_SIM_ENV_VOTE_SHARDS) "variables" (e.g. VOTE_SHARDS, cdk.json voteShards);
 *                                                            every one needs a value
 *   --port N                  APPSYNC_SIM_PORT                HTTP port, default 0 (a free port)
 *   --api-key KEY             APPSYNC_SIM_API_KEY             the API key, default "da2-local-api-key"
 *   --exit-on-stdin-close                                     exit when stdin closes, so a parent
 *                                                            process that dies takes this one along
 *                             APPSYNC_SIM_CREDENTIALS_<NAME>  ACCESS_KEY_ID:SECRET_ACCESS_KEY the data
 *                             (e.g. ..._TICKSTABLE)           source NAME of resolvers.json signs its
 *                                                            DynamoDB calls with (its role's local
 *                                                            identity); default fixed local keys
 *                             APPSYNC_SIM_IAM_GATEWAY_TOKEN   when set, an IAM request must carry
 *                                                            header x-refarch-iam-gateway with it:
 *                                                            only the local IAM gateway, which
 *                                                            verifies signatures and policies, may
 *                                                            reach IAM fields (environment only, so
 *                                                            no secret shows in a process list)
 *   --realtime-fault MODE     APPSYNC_SIM_REALTIME_FAULT      tests of clients: the real-time endpoint
 *                                                            starts with fault MODE (none, limit-exceeded,
 *                                                            unauthorized, drop-start-ack, delay-start-ack,
 *                                                            start-error; see faults.js) and takes
 *                                                            POST /__local/realtime-fault {"mode":...}
 *                                                            to switch; the ready line adds faultUrl
 *
 * There is no separate WebSocket port: the simulator attaches the real-time endpoint
 * (ws://127.0.0.1:<port>/graphql/realtime, AppSync real-time protocol, subprotocol graphql-ws,
 * auth in the `header` query parameter or a `header-<base64url>` subprotocol) to the HTTP server. GraphQL over HTTP is
 * POST http://127.0.0.1:<port>/graphql (HTTP/1.1 only: the simulator answers 405 to an h2c upgrade).
 *
 * Auth: default API_KEY (header x-api-key), additional AWS_IAM. The simulator itself does NOT
 * verify SigV4 signatures (the local run's IAM gateway does, see APPSYNC_SIM_IAM_GATEWAY_TOKEN):
 * without a gateway token, a request without x-api-key whose Authorization header starts with
 * "AWS4-HMAC-SHA256" and contains "Credential=<access key id>/..." is treated as IAM, e.g.
 *   Authorization: AWS4-HMAC-SHA256 Credential=AKIDLOCAL/20260101/us-east-1/appsync/aws4_request,
 *                  SignedHeaders=host;x-amz-date, Signature=0
 * (a valid x-api-key wins when both are sent). Never expose this server beyond loopback.
 *
 * Output: once serving, exactly one JSON line on stdout,
 *   {"ready":true,"httpPort":P,"wsPort":P,"graphqlUrl":"http://127.0.0.1:P/graphql","realtimeUrl":"ws://127.0.0.1:P/graphql/realtime"}
 * Everything else (the simulator's own logging included) goes to stderr. A configuration
 * error prints a message on stderr and exits with 2. SIGTERM / SIGINT stop it cleanly (exit 0).
 *
 * Simulator gaps bridged here are all in ./patches.js.
 */

const fs = require('fs');
const path = require('path');
const patches = require('./patches');
const faults = require('./faults');

// Keep stdout for the ready line alone: the simulator logs with console.log / console.warn.
const log = (...args) => console.error('[appsync-simulator]', ...args);
console.log = log;
console.info = log;
console.warn = log;

const GRAPHQL_DIR = path.resolve(__dirname, '..');

function fail(message) {
  process.stderr.write(`appsync simulator: ${message}\n`);
  process.exit(2);
}

function parseArgs(argv, env) {
  const options = {
    dynamodbEndpoint: env.APPSYNC_SIM_DYNAMODB_ENDPOINT,
    port: env.APPSYNC_SIM_PORT,
    apiKey: env.APPSYNC_SIM_API_KEY || 'da2-local-api-key',
    tables: {},
    credentials: {},
    variables: {},
    gatewayToken: env.APPSYNC_SIM_IAM_GATEWAY_TOKEN || undefined,
    exitOnStdinClose: false,
    realtimeFault: env.APPSYNC_SIM_REALTIME_FAULT || undefined,
  };
  for (const [name, value] of Object.entries(env)) {
    const match = /^APPSYNC_SIM_TABLE_(.+)$/.exec(name);
    if (match && value) {
      options.tables[match[1].toLowerCase()] = value;
    }
    const variable = /^APPSYNC_SIM_ENV_(.+)$/.exec(name);
    if (variable && value) {
      options.variables[variable[1]] = value;
    }
    const keys = /^APPSYNC_SIM_CREDENTIALS_(.+)$/.exec(name);
    if (keys && value) {
      const colon = value.indexOf(':');
      if (colon <= 0 || colon === value.length - 1) fail(`${name} wants ACCESS_KEY_ID:SECRET_ACCESS_KEY`);
      options.credentials[keys[1].toUpperCase()] = { accessKeyId: value.slice(0, colon), secretAccessKey: value.slice(colon + 1) };
    }
  }
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) fail(`${flag} needs a value`);
      return argv[++i];
    };
    switch (flag) {
      case '--dynamodb-endpoint': options.dynamodbEndpoint = value(); break;
      case '--port': options.port = value(); break;
      case '--api-key': options.apiKey = value(); break;
      case '--exit-on-stdin-close': options.exitOnStdinClose = true; break;
      case '--realtime-fault': options.realtimeFault = value(); break;
      case '--env': {
        const pair = value();
        const eq = pair.indexOf('=');
        if (eq <= 0 || eq === pair.length - 1) fail(`--env wants NAME=VALUE, got "${pair}"`);
        options.variables[pair.slice(0, eq)] = pair.slice(eq + 1);
        break;
      }
      case '--table': {
        const pair = value();
        const eq = pair.indexOf('=');
        if (eq <= 0 || eq === pair.length - 1) fail(`--table wants LOGICAL=NAME, got "${pair}"`);
        options.tables[pair.slice(0, eq).toLowerCase()] = pair.slice(eq + 1);
        break;
      }
      default: fail(`unknown argument "${flag}"`);
    }
  }
  const port = options.port === undefined || options.port === '' ? 0 : Number(options.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`port must be 0..65535, got "${options.port}"`);
  options.port = port;
  if (!options.apiKey) fail('the API key must not be empty');
  if (options.realtimeFault !== undefined && !faults.MODES.includes(options.realtimeFault)) {
    fail(`--realtime-fault must be one of ${faults.MODES.join(', ')}, got "${options.realtimeFault}"`);
  }
  return options;
}

function loadConfig(options) {
  const manifest = JSON.parse(fs.readFileSync(path.join(GRAPHQL_DIR, 'resolvers.json'), 'utf8'));
  const logicalTables = manifest.dataSources.filter((d) => d.type === 'AMAZON_DYNAMODB').map((d) => d.table);
  const unknown = Object.keys(options.tables).filter((t) => !logicalTables.includes(t));
  if (unknown.length) fail(`unknown logical table(s) ${unknown.join(', ')}; resolvers.json has ${logicalTables.join(', ')}`);
  const missing = logicalTables.filter((t) => !options.tables[t]);
  if (missing.length) fail(`no table name for logical table(s) ${missing.join(', ')} (--table LOGICAL=NAME)`);
  if (logicalTables.length && !options.dynamodbEndpoint) fail('--dynamodb-endpoint is required');
  const declared = manifest.variables || [];
  const strangeVariables = Object.keys(options.variables).filter((v) => !declared.includes(v));
  if (strangeVariables.length) fail(`unknown API variable(s) ${strangeVariables.join(', ')}; resolvers.json has ${declared.join(', ')}`);
  const unset = declared.filter((v) => !options.variables[v]);
  if (unset.length) fail(`no value for API variable(s) ${unset.join(', ')} (--env NAME=VALUE)`);
  const sourceNames = manifest.dataSources.map((d) => d.name.toUpperCase());
  const strangers = Object.keys(options.credentials).filter((n) => !sourceNames.includes(n));
  if (strangers.length) fail(`credentials for unknown data source(s) ${strangers.join(', ')}; resolvers.json has ${sourceNames.join(', ')}`);

  const dataSources = manifest.dataSources.map((source) => {
    if (source.type !== 'AMAZON_DYNAMODB') {
      return { type: source.type, name: source.name };
    }
    return {
      type: source.type,
      name: source.name,
      config: { endpoint: options.dynamodbEndpoint, region: 'us-east-1', tableName: options.tables[source.table] },
      // The data source's own local identity when given (the local run's IAM gateway checks its
      // role's policy); else fixed keys, so the SDK never looks for real ones.
      options: {
        credentials: options.credentials[source.name.toUpperCase()] || { accessKeyId: 'local', secretAccessKey: 'local' },
      },
    };
  });
  const templateNames = [...new Set(manifest.resolvers.flatMap((r) => [r.request, r.response]))];
  const mappingTemplates = templateNames.map((name) => ({
    path: name,
    content: fs.readFileSync(path.join(GRAPHQL_DIR, 'resolvers', name), 'utf8'),
  }));
  const resolvers = manifest.resolvers.map((r) => ({
    kind: 'UNIT',
    typeName: r.type,
    fieldName: r.field,
    dataSourceName: r.dataSource,
    requestMappingTemplateLocation: r.request,
    responseMappingTemplateLocation: r.response,
  }));
  const schemaPath = path.join(GRAPHQL_DIR, 'schema.graphql');
  // AppSync environment variables: TABLE_<LOGICAL> holds each logical table's real name (the
  // CDK stack sets the same ones; ApiDefinition.tableVariable in Java).
  const environment = { ...options.variables };
  for (const table of logicalTables) {
    environment[`TABLE_${table.toUpperCase()}`] = options.tables[table];
  }
  return {
    environment,
    schema: { path: schemaPath, content: fs.readFileSync(schemaPath, 'utf8') },
    dataSources,
    mappingTemplates,
    resolvers,
    appSync: {
      name: 'realtime-refarch-local',
      apiKey: options.apiKey,
      defaultAuthenticationType: { authenticationType: 'API_KEY' },
      additionalAuthenticationProviders: [{ authenticationType: 'AWS_IAM' }],
    },
  };
}

async function main() {
  const options = parseArgs(process.argv.slice(2), process.env);
  const config = loadConfig(options);

  // Last resort, after patches.guardRealtimeMessages: a stray rejection is logged and the
  // server keeps serving (Node 20 would otherwise exit on it).
  process.on('unhandledRejection', (reason) => {
    log('unhandled rejection (kept serving):', reason && reason.stack ? reason.stack : reason);
  });

  const { AmplifyAppSyncSimulator } = require('@aws-amplify/amplify-appsync-simulator');
  const simulator = new AmplifyAppSyncSimulator({ port: options.port });
  patches.errorFieldsAsJavaStrings();
  patches.environmentVariables(config.environment);
  patches.batchGetItem();
  patches.putItemReturnsTheItemItWrote();
  patches.roundNumReturnsAnInteger();
  patches.javaMapKeysByValue();
  patches.conditionFailureReadsTheItem();
  if (options.gatewayToken) patches.iamOnlyThroughGateway(options.gatewayToken);
  const { environment, ...simulatorConfig } = config;
  simulator.init(simulatorConfig);
  patches.bindLoopbackOnly(simulator, options.port);
  patches.shapePayloadsBySelectionSet(simulator);
  patches.filterSubscriptionsByArguments(simulator);
  patches.guardRealtimeMessages(simulator, log);
  patches.ackWithConnectionTimeoutMs(simulator);
  patches.refuseConnectionsAsAppSync(simulator);
  patches.acceptAuthSubprotocol(simulator);
  await simulator.start();

  const httpServer = simulator._server._httpServer;
  const port = httpServer.address().port;
  const faultPath = options.realtimeFault === undefined ? null
    : faults.realtimeFaults(simulator, simulator._server._realTimeSubscriptionServer.realtimeServer, log,
      options.realtimeFault);
  let stopping = false;
  const stop = async (why) => {
    if (stopping) return;
    stopping = true;
    log(`stopping (${why})`);
    const forced = setTimeout(() => process.exit(0), 3000);
    forced.unref();
    try {
      await simulator.stop();
      // Keep-alive HTTP connections would hold close() open.
      if (typeof httpServer.closeAllConnections === 'function') httpServer.closeAllConnections();
    } catch (error) {
      log('error while stopping:', error);
    }
    process.exit(0);
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  if (options.exitOnStdinClose) {
    process.stdin.on('end', () => stop('stdin closed'));
    process.stdin.on('error', () => stop('stdin error'));
    process.stdin.resume();
  }

  process.stdout.write(JSON.stringify({
    ready: true,
    httpPort: port,
    wsPort: port,
    graphqlUrl: `http://${patches.LOOPBACK}:${port}/graphql`,
    realtimeUrl: `ws://${patches.LOOPBACK}:${port}${patches.REALTIME_PATH}`,
    ...(faultPath ? { faultUrl: `http://${patches.LOOPBACK}:${port}${faultPath}` } : {}),
  }) + '\n');
}

main().catch((error) => {
  process.stderr.write(`appsync simulator failed to start: ${error && error.stack ? error.stack : error}\n`);
  process.exit(1);
});
