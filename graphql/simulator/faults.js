'use strict';

/**
 * Faults the real-time endpoint shows on purpose, each as AppSync itself answers ("Building a
 * real-time WebSocket client", https://docs.aws.amazon.com/appsync/latest/devguide/real-time-websocket-client.html),
 * so a client's error paths can be tried without AWS. Never on unless the simulator is started with
 * --fault-control (the local run's --realtime-fault=MODE); then switched at run time through
 * POST /__local/realtime-fault {"mode": MODE} on the simulator's loopback port, so a test can clear a
 * fault and watch the client recover without a reload.
 *
 * Modes:
 * - none: AppSync's normal behaviour;
 * - limit-exceeded: an error without a subscription id, {"errorType":"LimitExceededError","message":"Rate limit
 *   exceeded"} (the guide's own example), to every connection now and every 5 s, and after each start;
 *   the connection and its subscriptions carry on;
 * - unauthorized: every connection_init is answered with connection_error UnauthorizedException 401 (an
 *   expired, rotated or wrong API key), and open connections are refused the same way and closed;
 * - drop-start-ack: starts are served (events flow) but never acknowledged;
 * - delay-start-ack: each start_ack is sent delayMs (default 20000) late;
 * - start-error: each start is refused with an error carrying its id
 *   ({"errorType":"MaxSubscriptionsReachedError"}), as AppSync refuses the 101st subscription of a connection.
 */

const MODES = ['none', 'limit-exceeded', 'unauthorized', 'drop-start-ack', 'delay-start-ack', 'start-error'];
const CONTROL_PATH = '/__local/realtime-fault';
const LIMIT_EXCEEDED = { errors: [{ errorType: 'LimitExceededError', message: 'Rate limit exceeded' }] };
const UNAUTHORIZED = {
  errors: [{ errorType: 'UnauthorizedException', message: 'You are not authorized to make this call.', errorCode: 401 }],
};
const TOO_MANY = {
  errors: [{ errorType: 'MaxSubscriptionsReachedError', message: 'Max number of 100 subscriptions reached' }],
};

/**
 * Installs the faults on the simulator's real-time server and the control endpoint on its HTTP server.
 * Call after the other real-time patches (it wraps what they installed).
 */
function realtimeFaults(simulator, realtime, log, initial = 'none') {
  const state = { mode: 'none', delayMs: 20000 };
  const send = realtime.sendMessage;
  const startSubscription = realtime.onSubscriptionStart;
  const init = realtime.onConnectionInit;
  let ticker = null;

  const open = () => [...realtime.connections].filter((c) => c.socket && c.socket.readyState === 1);
  const refuse = (connection) => {
    realtime.sendError(connection, undefined, UNAUTHORIZED, 'connection_error');
    setTimeout(() => connection.socket.close(1000), 10);
  };
  const apply = (mode, delayMs) => {
    if (!MODES.includes(mode)) throw new Error(`unknown fault "${mode}"; one of ${MODES.join(', ')}`);
    state.mode = mode;
    if (Number.isInteger(delayMs) && delayMs >= 0) state.delayMs = delayMs;
    if (ticker) clearInterval(ticker);
    ticker = null;
    if (mode === 'limit-exceeded') {
      const tell = () => open().forEach((c) => realtime.sendError(c, undefined, LIMIT_EXCEEDED));
      tell();
      ticker = setInterval(tell, 5000);
      ticker.unref();
    } else if (mode === 'unauthorized') {
      open().forEach(refuse);
    }
    log(`real-time fault: ${mode}${mode === 'delay-start-ack' ? ` (${state.delayMs} ms)` : ''}`);
  };

  realtime.sendMessage = (connection, id, type, payload) => {
    if (type === 'start_ack' && state.mode === 'drop-start-ack') return undefined;
    if (type === 'start_ack' && state.mode === 'delay-start-ack') {
      setTimeout(() => send(connection, id, type, payload), state.delayMs);
      return undefined;
    }
    return send(connection, id, type, payload);
  };
  realtime.onConnectionInit = (connection) => {
    if (state.mode === 'unauthorized') return refuse(connection);
    return init(connection);
  };
  realtime.onSubscriptionStart = async (connection, message) => {
    if (state.mode === 'start-error') {
      realtime.sendError(connection, message.id, TOO_MANY);
      return undefined;
    }
    const started = startSubscription(connection, message);
    if (state.mode === 'limit-exceeded') realtime.sendError(connection, undefined, LIMIT_EXCEEDED);
    return started;
  };

  const httpServer = simulator._server._httpServer;
  const others = httpServer.listeners('request');
  httpServer.removeAllListeners('request');
  httpServer.on('request', (request, response) => {
    if (!request.url.startsWith(CONTROL_PATH)) {
      others.forEach((listener) => listener.call(httpServer, request, response));
      return;
    }
    const answer = (status, body) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    if (request.method === 'GET') {
      answer(200, state);
      return;
    }
    if (request.method !== 'POST') {
      answer(405, { message: 'GET or POST' });
      return;
    }
    let body = '';
    request.on('data', (chunk) => { body += chunk; });
    request.on('end', () => {
      try {
        const wanted = JSON.parse(body || '{}');
        apply(String(wanted.mode), wanted.delayMs);
        answer(200, state);
      } catch (error) {
        answer(400, { message: error.message });
      }
    });
  });
  apply(initial);
  return CONTROL_PATH;
}

module.exports = { realtimeFaults, MODES, CONTROL_PATH };
