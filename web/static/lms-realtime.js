// Browser client for the /ws gateway (protocol v1, DESIGN.md section 5).
//
// One socket per page. It authenticates, keeps every subscription alive across reconnects
// (resuming from the last seq seen, so nothing is missed or delivered twice), runs RPC calls,
// and keeps an estimate of the server clock for countdowns. Committed state is the truth:
// when the server cannot replay what a channel missed it sends `reset` and the app refetches
// over REST.
//
// It is a plain ES module with no dependencies, so pages load it as-is and Node tests import it
// with a fake WebSocket and fake timers injected.

// Close codes the server uses (lms_rt/realtime/protocol.py).
export const CloseCode = Object.freeze({
  NORMAL: 1000,
  GOING_AWAY: 1001,
  UNSUPPORTED_DATA: 1003,
  TOO_BIG: 1009,
  UNAUTHORIZED: 4401,
  FORBIDDEN: 4403,
  AUTH_TIMEOUT: 4408,
  TOO_SLOW: 4429,
  // Ours: the client gave up on a socket that stopped answering pings.
  NO_PONG: 4000,
});

const OPEN = 1; // WebSocket.OPEN, spelled out so injected fakes need not define it
// Least wait between two re-auths: an app that hands back the same soon-to-expire token is not
// asked in a tight loop (the server's 4401 ends that case within 30 s of expiry).
const REAUTH_RETRY_MS = 5000;

// The error a rejected call() or a refused subscription carries: `code` is the server's
// error code ("forbidden", "not_found", ...) or one of ours: "timeout", "disconnected", "closed".
export class LmsRealtimeError extends Error {
  constructor(code, message, extra = {}) {
    super(message || code);
    this.name = "LmsRealtimeError";
    this.code = code;
    Object.assign(this, extra);
  }
}

// The `exp` claim of a JWT in epoch ms, or null. The payload is only read, never trusted:
// the server verifies the token; the client only needs to know when to send a fresh one.
export function tokenExpiry(token) {
  try {
    const part = String(token).split(".")[1];
    const b64 = part.replace(/-/g, "+").replace(/_/g, "/");
    const bytes = Uint8Array.from(atob(b64.padEnd(Math.ceil(b64.length / 4) * 4, "=")), (c) =>
      c.charCodeAt(0),
    );
    const exp = JSON.parse(new TextDecoder().decode(bytes)).exp;
    return typeof exp === "number" ? exp * 1000 : null;
  } catch {
    return null;
  }
}

// Pages pass "/ws"; older browsers' WebSocket only takes absolute ws(s):// URLs.
function absoluteUrl(url) {
  const loc = globalThis.location;
  if (!loc || /^wss?:\/\//.test(url)) return url;
  const resolved = new URL(url, loc.href);
  resolved.protocol = resolved.protocol === "https:" ? "wss:" : "ws:";
  return resolved.href;
}

export class LmsRealtime {
  constructor({
    url = "/ws",
    getToken = async () => null,
    WebSocketImpl = globalThis.WebSocket,
    random = Math.random,
    setTimeout = globalThis.setTimeout,
    clearTimeout = globalThis.clearTimeout,
    now = Date.now,
    minDelay = 500,
    maxDelay = 15000,
    // The server keeps no idle socket alive for us; 25 s stays under common proxy idle
    // timeouts (30-60 s) and is frequent enough for countdown clock corrections.
    pingInterval = 25000,
    callTimeout = 10000,
    // 4429 means "too slow or too many": coming straight back would just be refused again.
    slowDownDelay = 5000,
    // A connection counts as healthy (backoff starts over) only once the server has answered
    // on it and it stayed up this long; a server that accepts then drops at once must not
    // get a reconnect storm.
    stableAfter = 5000,
    // Re-auth this long before `exp`. The server tolerates 30 s after expiry; starting early
    // leaves room for a slow token refresh.
    reauthLead = 30000,
    onFatal = null,
  } = {}) {
    if (!WebSocketImpl) throw new Error("LmsRealtime needs a WebSocket implementation");
    this.url = url;
    this.minDelay = minDelay;
    this.maxDelay = maxDelay;
    this.pingInterval = pingInterval;
    this.callTimeout = callTimeout;
    this.slowDownDelay = slowDownDelay;
    this.stableAfter = stableAfter;
    this.reauthLead = reauthLead;
    this.clockOffset = 0; // server time minus client time, ms
    this.rtt = null;

    this._getToken = getToken;
    this._WebSocket = WebSocketImpl;
    this._random = random;
    // Called through plain functions: browsers' timer functions throw when `this` is the client.
    this._setTimeout = (fn, ms) => setTimeout(fn, ms);
    this._clearTimeout = (id) => clearTimeout(id);
    this._now = now;

    this._state = "idle"; // idle | connecting | open | waiting | closed
    this._ws = null;
    this._openedAt = null;
    this._confirmed = false; // the server has answered on this socket, so it took our auth
    this._generation = 0; // bumps on every attempt, so late async steps of an old one stop
    this._attempt = 0;
    this._nextId = 1; // one counter for sub, unsub and call ids
    // channel -> {lastSeq, epoch, subId, ackSeq, fresh, rebase, handlers}: lastSeq is both the
    // duplicate filter and the resume point; see _onReset for fresh and rebase.
    this._subs = new Map();
    this._subIds = new Map(); // pending sub id -> channel
    this._calls = new Map(); // id -> {frame, resolve, reject, timer, sent}
    this._pingsSent = []; // send times of unanswered pings; pongs come back in order
    this._clockSamples = [];
    this._tokenExp = null;
    this._tokenRead = null;
    this._tokenReason = "connect";
    this._timers = { reconnect: null, ping: null, reauth: null };
    this._listeners = {};
    for (const name of ["open", "close", "reset", "error", "fatal"]) {
      this._listeners[name] = new Set();
    }
    if (onFatal) this.on("fatal", onFatal);
  }

  // --- public API ---------------------------------------------------------------------

  get state() {
    return this._state;
  }

  on(name, cb) {
    this._listeners[name].add(cb);
    return () => this._listeners[name].delete(cb);
  }

  // Also "reconnect now" while waiting out a backoff (e.g. when the browser comes back online).
  connect() {
    if (this._state === "connecting" || this._state === "open") return;
    if (this._state === "closed") this._attempt = 0;
    this._clearTimer("reconnect");
    this._open();
  }

  close() {
    this._state = "closed";
    this._generation++;
    for (const name of Object.keys(this._timers)) this._clearTimer(name);
    this._failCalls(() => true, "closed", "the client was closed");
    if (this._ws) this._drop(this._ws, CloseCode.NORMAL, "client closed");
  }

  serverNow() {
    return this._now() + this.clockOffset;
  }

  subscribe(channel, onEvent, { onReset, onError } = {}) {
    const handler = { onEvent, onReset, onError };
    let sub = this._subs.get(channel);
    if (!sub) {
      sub = { lastSeq: null, epoch: null, subId: null, ackSeq: null, fresh: false, rebase: false };
      sub.handlers = new Set();
      this._subs.set(channel, sub);
      if (this._isOpen()) this._sendSub(channel, sub);
    }
    sub.handlers.add(handler);
    return () => {
      if (!sub.handlers.delete(handler) || sub.handlers.size) return;
      if (this._subs.get(channel) !== sub) return; // already dropped (refused)
      this._subs.delete(channel);
      this._subIds.delete(sub.subId);
      if (this._isOpen()) this._send({ op: "unsub", id: this._nextId++, channel });
    };
  }

  call(method, params = {}, { timeout = this.callTimeout } = {}) {
    if (this._state === "closed") {
      return Promise.reject(new LmsRealtimeError("closed", "the client was closed"));
    }
    return new Promise((resolve, reject) => {
      const id = this._nextId++;
      const entry = { frame: { op: "call", id, method, params }, resolve, reject, sent: false };
      // The timeout covers waiting for a reconnect too: a caller wants an answer in time,
      // not a call that fires minutes later.
      entry.timer = this._setTimeout(() => {
        this._calls.delete(id);
        reject(new LmsRealtimeError("timeout", `${method}: no reply within ${timeout} ms`));
      }, timeout);
      this._calls.set(id, entry);
      if (this._isOpen()) this._sendCall(entry);
    });
  }

  ping() {
    if (!this._isOpen()) return false;
    this._pingsSent.push(this._now());
    this._send({ op: "ping" });
    return true;
  }

  async reauthenticate(reason = "manual") {
    const ws = this._ws;
    if (!this._isOpen()) return false;
    const token = await this._readToken(reason);
    if (!token || ws !== this._ws || !this._isOpen()) return false;
    this._send({ op: "auth", token });
    this._tokenExp = tokenExpiry(token);
    this._armReauth();
    return true;
  }

  // --- connection lifecycle -----------------------------------------------------------

  async _open() {
    this._state = "connecting";
    const generation = ++this._generation;
    let token;
    try {
      token = await this._readToken(this._tokenReason);
    } catch (error) {
      if (generation !== this._generation) return;
      this._fail("token_failed", error);
      this._scheduleReconnect(null);
      return;
    }
    if (generation !== this._generation) return; // closed while the app fetched a token
    let ws;
    try {
      ws = new this._WebSocket(absoluteUrl(this.url));
    } catch (error) {
      this._fail("connect_failed", error);
      this._scheduleReconnect(null);
      return;
    }
    this._ws = ws;
    this._confirmed = false;
    ws.onopen = () => ws === this._ws && this._onOpen(ws, token);
    ws.onmessage = (ev) => ws === this._ws && this._onMessage(ev.data);
    ws.onclose = (ev) => ws === this._ws && this._onClose(ev.code, ev.reason);
    // A failed socket also fires close, which is where the reconnect is decided.
    ws.onerror = () => {};
  }

  _onOpen(ws, token) {
    this._state = "open";
    this._openedAt = this._now();
    this._tokenReason = "connect";
    // Auth must be the first frame; everything after it is processed in order on the
    // server, so subscriptions and calls need not wait for a reply to it.
    this._tokenExp = token ? tokenExpiry(token) : null;
    if (token) {
      this._send({ op: "auth", token });
      this._armReauth();
    }
    this._subIds.clear();
    for (const [channel, sub] of this._subs) this._sendSub(channel, sub);
    for (const entry of this._calls.values()) if (!entry.sent) this._sendCall(entry);
    this.ping();
    this._schedulePing();
    this._emit("open", {});
  }

  _onClose(code, reason) {
    const wasConfirmed = this._confirmed && this._now() - this._openedAt >= this.stableAfter;
    this._ws = null;
    this._clearTimer("ping");
    this._clearTimer("reauth");
    this._pingsSent = [];
    this._subIds.clear();
    // A call already sent may or may not have run on the server (live.answer, payments):
    // resending it blindly could apply it twice, so its caller decides.
    this._failCalls((entry) => entry.sent, "disconnected", "the connection closed before a reply");
    if (this._state === "closed") {
      this._emit("close", { code, reason, willReconnect: false });
      return;
    }
    if (code === CloseCode.FORBIDDEN) {
      // Refused subscriptions arrive as error frames; a 4403 close means the whole socket is
      // refused, and reconnecting would only be refused again.
      this._state = "closed";
      this._failCalls(() => true, "forbidden", "the server refused this connection");
      this._emit("close", { code, reason, willReconnect: false });
      this._emit("fatal", { code, reason });
      return;
    }
    if (wasConfirmed) this._attempt = 0;
    if (code === CloseCode.UNAUTHORIZED) this._tokenReason = "expired";
    const delay = this._scheduleReconnect(code);
    this._emit("close", { code, reason, willReconnect: true, delay });
  }

  // Full jitter: spreading reconnects uniformly over [0, cap) keeps a fleet of clients that
  // lost one server process from arriving at the survivors in the same instant.
  _scheduleReconnect(code) {
    this._state = "waiting";
    const cap = Math.min(this.maxDelay, this.minDelay * 2 ** this._attempt);
    const r = this._random();
    this._attempt++;
    let delay = r * cap;
    if (code === CloseCode.GOING_AWAY) delay = r * this.minDelay; // a deploy: others take over
    if (code === CloseCode.TOO_SLOW) delay = this.slowDownDelay + r * cap;
    this._clearTimer("reconnect");
    this._timers.reconnect = this._setTimeout(() => {
      this._timers.reconnect = null;
      if (this._state === "waiting") this._open();
    }, delay);
    return delay;
  }

  // Stop using a socket now rather than waiting for its close event, which a dead TCP
  // connection may deliver only after minutes.
  _drop(ws, code, reason) {
    ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
    try {
      ws.close(code, reason);
    } catch {
      // already closing
    }
    if (ws === this._ws) this._onClose(code, reason);
  }

  // getToken() may refresh, and refresh tokens are single-use: concurrent reads share one.
  _readToken(reason) {
    if (!this._tokenRead) {
      this._tokenRead = Promise.resolve()
        .then(() => this._getToken({ reason }))
        .finally(() => {
          this._tokenRead = null;
        });
    }
    return this._tokenRead;
  }

  _armReauth() {
    this._clearTimer("reauth");
    if (this._tokenExp == null || !this._isOpen()) return;
    // exp is stamped in server time, so it is compared with the server clock estimate.
    const delay = Math.max(this._tokenExp - this.reauthLead - this.serverNow(), REAUTH_RETRY_MS);
    this._timers.reauth = this._setTimeout(() => {
      this._timers.reauth = null;
      this.reauthenticate("expiring").catch((cause) => this._fail("token_failed", cause));
    }, delay);
  }

  _schedulePing() {
    this._clearTimer("ping");
    this._timers.ping = this._setTimeout(() => {
      this._timers.ping = null;
      if (!this._isOpen()) return;
      if (this._pingsSent.length) {
        // No pong for a whole interval: the path is dead even if the socket looks open.
        this._drop(this._ws, CloseCode.NO_PONG, "no pong");
        return;
      }
      this.ping();
      this._schedulePing();
    }, this.pingInterval);
  }

  // --- frames -------------------------------------------------------------------------

  _onMessage(data) {
    let frame;
    try {
      frame = JSON.parse(data);
    } catch (error) {
      this._fail("bad_frame", error);
      return;
    }
    this._confirmed = true;
    switch (frame.op) {
      case "event":
        return this._onEvent(frame);
      case "ack":
        return this._onAck(frame);
      case "reset":
        return this._onReset(frame);
      case "error":
        return this._onError(frame);
      case "reply":
        return this._onReply(frame);
      case "pong":
        return this._onPong(frame);
      default:
        return; // newer servers may add ops; ignoring them keeps old pages working
    }
  }

  _onEvent(frame) {
    const sub = this._subs.get(frame.channel);
    if (!sub) return;
    if (typeof frame.seq === "number") {
      // A resume replays from `since`; anything at or below what we saw is a duplicate,
      // unless a reset made the old numbers meaningless.
      if (sub.lastSeq != null && !sub.rebase && frame.seq <= sub.lastSeq) return;
      sub.lastSeq = frame.seq;
      sub.rebase = false;
    }
    sub.fresh = false;
    for (const h of [...sub.handlers]) this._safely(h.onEvent, frame);
  }

  _onAck(frame) {
    const channel = this._subIds.get(frame.id);
    const sub = channel != null && this._subs.get(channel);
    if (!sub || sub.subId !== frame.id) return;
    this._subIds.delete(frame.id);
    sub.epoch = frame.epoch ?? sub.epoch;
    sub.ackSeq = frame.seq;
    sub.fresh = true;
    // A first subscription (or one reset before its ack) starts at the channel's head; a
    // resume keeps lastSeq so the replayed events above it are delivered.
    if (sub.lastSeq == null || sub.rebase) sub.lastSeq = frame.seq;
    sub.rebase = false;
  }

  _onReset(frame) {
    const sub = this._subs.get(frame.channel);
    if (!sub) return;
    if (frame.epoch != null) sub.epoch = frame.epoch;
    if (typeof frame.seq === "number") {
      sub.lastSeq = frame.seq;
      sub.rebase = false;
    } else {
      // A reset comes right after the ack of a resume that could not be served (section 5),
      // or on its own when the channel's history was lost (a new epoch, numbered from 1
      // again). The old numbers no longer filter anything, so the next ack or event sets the
      // base. Until then lastSeq stays a resume point: after a failed resume it is the ack's
      // seq in the ack's epoch, so a drop before any event misses nothing; after a lost
      // history it carries the old epoch, so the server answers the resume with a reset.
      if (sub.fresh) sub.lastSeq = sub.ackSeq;
      sub.rebase = true;
    }
    for (const h of [...sub.handlers]) this._safely(h.onReset, frame);
    this._emit("reset", { channel: frame.channel });
  }

  _onError(frame) {
    const error = new LmsRealtimeError(frame.code, frame.message, { status: frame.status });
    if (frame.id != null && this._subIds.has(frame.id)) {
      const channel = this._subIds.get(frame.id);
      this._subIds.delete(frame.id);
      const sub = this._subs.get(channel);
      if (sub && sub.subId === frame.id) {
        // Refused (4403 forbidden, kicked from a live session...): re-sending it on every
        // reconnect would only be refused again, so the subscription is dropped.
        this._subs.delete(channel);
        error.channel = channel;
        for (const h of [...sub.handlers]) this._safely(h.onError, error);
      }
    } else if (frame.id != null && this._calls.has(frame.id)) {
      // An unknown method may be answered with an error frame rather than a reply.
      this._settleCall(frame.id, null, error);
      return;
    }
    this._emit("error", error);
  }

  _onReply(frame) {
    if (!this._calls.has(frame.id)) return; // timed out already
    const err = frame.error;
    this._settleCall(
      frame.id,
      frame.result,
      err ? new LmsRealtimeError(err.code, err.message, { details: err.details }) : null,
    );
  }

  // NTP-style: assume the server stamped `t` halfway through the round trip, and trust the
  // recent sample with the shortest round trip, whose midpoint guess is the tightest.
  _onPong(frame) {
    const sent = this._pingsSent.shift();
    if (sent == null || typeof frame.t !== "number") return;
    const received = this._now();
    this._clockSamples.push({ rtt: received - sent, offset: frame.t - (sent + received) / 2 });
    if (this._clockSamples.length > 5) this._clockSamples.shift();
    const best = this._clockSamples.reduce((a, b) => (b.rtt <= a.rtt ? b : a));
    this.rtt = received - sent;
    this.clockOffset = best.offset;
    this._armReauth(); // the token's exp is compared with server time
  }

  // --- helpers ------------------------------------------------------------------------

  _sendSub(channel, sub) {
    const id = this._nextId++;
    sub.subId = id;
    sub.fresh = false;
    sub.rebase = false; // the server filters a resume by `since` itself
    this._subIds.set(id, channel);
    const frame = { op: "sub", id, channel };
    if (sub.lastSeq != null) {
      frame.since = sub.lastSeq;
      if (sub.epoch != null) frame.epoch = sub.epoch;
    }
    this._send(frame);
  }

  _sendCall(entry) {
    entry.sent = true;
    this._send(entry.frame);
  }

  _settleCall(id, result, error) {
    const entry = this._calls.get(id);
    this._calls.delete(id);
    this._clearTimeout(entry.timer);
    if (error) entry.reject(error);
    else entry.resolve(result);
  }

  _failCalls(predicate, code, message) {
    for (const [id, entry] of [...this._calls]) {
      if (predicate(entry)) this._settleCall(id, null, new LmsRealtimeError(code, message));
    }
  }

  _isOpen() {
    return this._state === "open" && this._ws != null && this._ws.readyState === OPEN;
  }

  _send(frame) {
    this._ws.send(JSON.stringify(frame));
  }

  _clearTimer(name) {
    if (this._timers[name] != null) this._clearTimeout(this._timers[name]);
    this._timers[name] = null;
  }

  // Every "error" listener gets an LmsRealtimeError; the original exception is its `cause`.
  _fail(code, cause) {
    this._emit("error", new LmsRealtimeError(code, String(cause?.message ?? cause), { cause }));
  }

  _emit(name, payload) {
    for (const cb of [...this._listeners[name]]) this._safely(cb, payload, name !== "error");
  }

  // One broken app handler must not stop the others or the socket's frame loop.
  _safely(fn, arg, report = true) {
    if (!fn) return;
    try {
      fn(arg);
    } catch (error) {
      if (report && this._listeners.error.size) this._fail("handler_failed", error);
      else console.error(error);
    }
  }
}
