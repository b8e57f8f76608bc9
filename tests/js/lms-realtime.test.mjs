// Tests for web/static/lms-realtime.js, run with Node's own runner (`node --test tests/js/`)
// so the browser client needs no npm packages. A fake WebSocket plays the server and a fake
// clock drives every timer, so reconnects, pings and timeouts are checked without waiting.

import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { CloseCode, LmsRealtime, LmsRealtimeError, tokenExpiry } from "../../web/static/lms-realtime.js";

// Lets pending promise callbacks (getToken, call results) run.
const flush = () => new Promise((resolve) => setImmediate(resolve));

function fakeClock(start = 1_700_000_000_000) {
  let now = start;
  let nextId = 1;
  const timers = new Map();
  const clock = {
    delays: [], // every delay ever requested, in order
    now: () => now,
    setTimeout: (fn, ms = 0) => {
      const id = nextId++;
      timers.set(id, { at: now + Math.max(0, ms), fn, ms });
      clock.delays.push(ms);
      return id;
    },
    clearTimeout: (id) => timers.delete(id),
    pending: () => [...timers.values()].map((t) => t.ms),
    // Runs due timers in time order, letting promises settle after each one.
    async advance(ms) {
      const end = now + ms;
      for (;;) {
        const due = [...timers.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) break;
        timers.delete(due[0]);
        now = due[1].at;
        due[1].fn();
        await flush();
      }
      now = end;
      await flush();
    },
    // Runs the earliest timer only (e.g. the reconnect, not a call's timeout after it).
    async next() {
      const first = Math.min(...[...timers.values()].map((t) => t.at));
      assert.ok(Number.isFinite(first), "no timer is pending");
      await clock.advance(first - now);
    },
  };
  return clock;
}

// A WebSocket class whose instances the test drives from the server's side.
function fakeWebSocketClass() {
  const sockets = [];
  class FakeWebSocket {
    constructor(url) {
      this.url = url;
      this.readyState = 0;
      this.frames = [];
      this.closedWith = null;
      sockets.push(this);
    }
    send(data) {
      assert.equal(this.readyState, 1, "sent on a socket that is not open");
      const frame = JSON.parse(data);
      this.frames.push(frame);
      // A server that answers pings, for tests that run long enough to need it.
      if (frame.op === "ping" && this.autoPong) queueMicrotask(() => this.push({ op: "pong", t: this.autoPong() }));
    }
    close(code, reason) {
      this.closedWith = { code, reason };
      this.readyState = 3;
    }
    // --- the server's side ---
    accept() {
      this.readyState = 1;
      this.onopen?.({});
    }
    push(frame) {
      this.onmessage?.({ data: JSON.stringify(frame) });
    }
    drop(code = 1006, reason = "") {
      this.readyState = 3;
      this.onclose?.({ code, reason, wasClean: code !== 1006 });
    }
    sent(op) {
      return this.frames.filter((f) => f.op === op);
    }
  }
  return { FakeWebSocket, sockets };
}

function jwt(claims) {
  const part = (obj) => Buffer.from(JSON.stringify(obj)).toString("base64url");
  return `${part({ alg: "HS256", typ: "JWT" })}.${part(claims)}.signature`;
}

// A client wired to fakes; `tokens` is what successive getToken() calls return.
function setup({ tokens = ["tok-1"], random = () => 0.5, ...options } = {}) {
  const clock = fakeClock();
  const { FakeWebSocket, sockets } = fakeWebSocketClass();
  const tokenCalls = [];
  const client = new LmsRealtime({
    url: "ws://lms.test/ws",
    getToken: async (hint) => {
      tokenCalls.push(hint);
      return tokens[Math.min(tokenCalls.length, tokens.length) - 1];
    },
    WebSocketImpl: FakeWebSocket,
    random,
    setTimeout: clock.setTimeout,
    clearTimeout: clock.clearTimeout,
    now: clock.now,
    ...options,
  });
  const last = () => sockets[sockets.length - 1];
  // Connects (or waits for the pending reconnect) and lets the server accept.
  async function open() {
    const before = sockets.length;
    if (client.state === "idle" || client.state === "closed") client.connect();
    await flush();
    if (sockets.length === before) await clock.next();
    assert.equal(sockets.length, before + 1, "no new socket was opened");
    last().accept();
    return last();
  }
  return { client, clock, sockets, tokenCalls, open, last };
}

describe("connecting", () => {
  test("the first frame is auth with the token, then a ping", async () => {
    const { client, open } = setup({ tokens: ["tok-1"] });
    client.subscribe("user:1", () => {});
    const ws = await open();
    assert.equal(ws.url, "ws://lms.test/ws");
    assert.deepEqual(ws.frames[0], { op: "auth", token: "tok-1" });
    assert.deepEqual(
      ws.frames.map((f) => f.op),
      ["auth", "sub", "ping"],
    );
  });

  test("no auth frame when a session cookie authenticates the upgrade", async () => {
    const { open } = setup({ tokens: [null] });
    const ws = await open();
    assert.deepEqual(ws.frames, [{ op: "ping" }]);
  });

  test("open and close events are emitted", async () => {
    const { client, open } = setup();
    const seen = [];
    client.on("open", () => seen.push("open"));
    client.on("close", (e) => seen.push(`close ${e.code} ${e.willReconnect}`));
    const ws = await open();
    ws.drop(1006);
    assert.deepEqual(seen, ["open", "close 1006 true"]);
  });
});

describe("subscriptions", () => {
  test("subscribe sends sub; ack sets the base; events are delivered; unsubscribe sends unsub", async () => {
    const { client, open } = setup();
    const ws = await open();
    const got = [];
    const unsubscribe = client.subscribe("course:7", (e) => got.push(e.seq));
    const [sub] = ws.sent("sub");
    assert.deepEqual(sub, { op: "sub", id: sub.id, channel: "course:7" });
    ws.push({ op: "ack", id: sub.id, seq: 10, epoch: "e1" });
    ws.push({ op: "event", channel: "course:7", seq: 10, type: "x", data: {} }); // already covered
    ws.push({ op: "event", channel: "course:7", seq: 11, type: "x", data: {} });
    ws.push({ op: "event", channel: "course:8", seq: 12, type: "x", data: {} }); // not ours
    assert.deepEqual(got, [11]);
    unsubscribe();
    unsubscribe(); // idempotent
    const unsubs = ws.sent("unsub");
    assert.equal(unsubs.length, 1);
    assert.equal(unsubs[0].channel, "course:7");
    assert.notEqual(unsubs[0].id, sub.id);
    ws.push({ op: "event", channel: "course:7", seq: 12, type: "x", data: {} });
    assert.deepEqual(got, [11]);
  });

  test("two handlers on one channel share one sub; unsub only when the last goes", async () => {
    const { client, open } = setup();
    const ws = await open();
    const a = [];
    const b = [];
    const offA = client.subscribe("user:1", (e) => a.push(e.seq));
    const offB = client.subscribe("user:1", (e) => b.push(e.seq));
    assert.equal(ws.sent("sub").length, 1);
    ws.push({ op: "ack", id: ws.sent("sub")[0].id, seq: 0, epoch: "e" });
    ws.push({ op: "event", channel: "user:1", seq: 1, type: "x", data: {} });
    offA();
    assert.equal(ws.sent("unsub").length, 0);
    ws.push({ op: "event", channel: "user:1", seq: 2, type: "x", data: {} });
    offB();
    assert.equal(ws.sent("unsub").length, 1);
    assert.deepEqual([a, b], [[1], [1, 2]]);
  });

  test("duplicate events (seq <= last seen) are dropped", async () => {
    const { client, open } = setup();
    const ws = await open();
    const got = [];
    client.subscribe("user:1", (e) => got.push(e.seq));
    ws.push({ op: "ack", id: ws.sent("sub")[0].id, seq: 3, epoch: "e" });
    for (const seq of [4, 5, 5, 4, 6, 2, 6, 7]) {
      ws.push({ op: "event", channel: "user:1", seq, type: "x", data: {} });
    }
    assert.deepEqual(got, [4, 5, 6, 7]);
  });

  test("a resume after a disconnect re-sends sub with since = last seq and the ack's epoch", async () => {
    const { client, open } = setup();
    const got = [];
    client.subscribe("course:7", (e) => got.push(e.seq));
    client.subscribe("user:1", () => {});
    let ws = await open();
    const [course] = ws.sent("sub"); // user:1 gets no ack: it resubscribes fresh
    ws.push({ op: "ack", id: course.id, seq: 4, epoch: "e1" });
    ws.push({ op: "event", channel: "course:7", seq: 5, type: "x", data: {} });
    ws.push({ op: "event", channel: "course:7", seq: 6, type: "x", data: {} });
    ws.drop(1006);

    ws = await open();
    assert.deepEqual(ws.frames[0], { op: "auth", token: "tok-1" });
    const subs = ws.sent("sub");
    const resumed = subs.find((f) => f.channel === "course:7");
    assert.deepEqual(resumed, { op: "sub", id: resumed.id, channel: "course:7", since: 6, epoch: "e1" });
    assert.deepEqual(
      subs.find((f) => f.channel === "user:1"),
      { op: "sub", id: subs.find((f) => f.channel === "user:1").id, channel: "user:1" },
    );
    assert.ok(resumed.id > course.id, "ids are not reused");
    // The server acks with its head and replays from since; overlap is dropped.
    ws.push({ op: "ack", id: resumed.id, seq: 8, epoch: "e1" });
    for (const seq of [6, 7, 8, 9]) ws.push({ op: "event", channel: "course:7", seq, type: "x", data: {} });
    assert.deepEqual(got, [5, 6, 7, 8, 9]);
  });

  test("an ack for a superseded sub id is ignored", async () => {
    const { client, open } = setup();
    client.subscribe("user:1", () => {});
    let ws = await open();
    const oldId = ws.sent("sub")[0].id;
    ws.drop(1006);
    ws = await open();
    ws.push({ op: "ack", id: oldId, seq: 99, epoch: "old" });
    const [sub] = ws.sent("sub");
    ws.push({ op: "ack", id: sub.id, seq: 3, epoch: "e2" });
    ws.drop(1006);
    ws = await open();
    assert.deepEqual(ws.sent("sub")[0], { op: "sub", id: ws.sent("sub")[0].id, channel: "user:1", since: 3, epoch: "e2" });
  });
});

describe("reset", () => {
  test("reset before the ack: onReset runs and the next ack's seq is the new base", async () => {
    const { client, open } = setup();
    const got = [];
    const resets = [];
    client.on("reset", (e) => resets.push(`event ${e.channel}`));
    client.subscribe("course:7", (e) => got.push(e.seq), { onReset: (f) => resets.push(`onReset ${f.channel}`) });
    let ws = await open();
    ws.push({ op: "ack", id: ws.sent("sub")[0].id, seq: 5, epoch: "e1" });
    ws.push({ op: "event", channel: "course:7", seq: 6, type: "x", data: {} });
    ws.drop(1006);

    ws = await open();
    const sub = ws.sent("sub")[0];
    assert.equal(sub.since, 6);
    ws.push({ op: "reset", channel: "course:7" });
    assert.deepEqual(resets, ["onReset course:7", "event course:7"]);
    ws.push({ op: "ack", id: sub.id, seq: 40, epoch: "e2" });
    ws.push({ op: "event", channel: "course:7", seq: 40, type: "x", data: {} }); // covered by the refetch
    ws.push({ op: "event", channel: "course:7", seq: 41, type: "x", data: {} });
    assert.deepEqual(got, [6, 41]);
    ws.drop(1006);
    ws = await open();
    const again = ws.sent("sub")[0];
    assert.equal(again.since, 41);
    assert.equal(again.epoch, "e2");
  });

  test("reset right after the ack (section 5 order): the ack's seq is the new base", async () => {
    const { client, open } = setup();
    const got = [];
    let resets = 0;
    client.subscribe("course:7", (e) => got.push(e.seq), { onReset: () => resets++ });
    let ws = await open();
    ws.push({ op: "ack", id: ws.sent("sub")[0].id, seq: 5, epoch: "e1" });
    ws.push({ op: "event", channel: "course:7", seq: 6, type: "x", data: {} });
    ws.drop(1006);

    ws = await open();
    ws.push({ op: "ack", id: ws.sent("sub")[0].id, seq: 900, epoch: "e9" });
    ws.push({ op: "reset", channel: "course:7" });
    assert.equal(resets, 1);
    // A quiet channel dropped again before any new event resumes from the ack, missing nothing.
    ws.drop(1006);
    ws = await open();
    const sub = ws.sent("sub")[0];
    assert.equal(sub.since, 900);
    assert.equal(sub.epoch, "e9");
    ws.push({ op: "ack", id: sub.id, seq: 901, epoch: "e9" });
    ws.push({ op: "event", channel: "course:7", seq: 901, type: "x", data: {} });
    assert.deepEqual(got, [6, 901]);
  });

  test("a reset on its own (history lost, seq numbered from 1 again) takes the next event as the base", async () => {
    const { client, open } = setup();
    const got = [];
    let resets = 0;
    client.subscribe("course:7", (e) => got.push(e.seq), { onReset: () => resets++ });
    let ws = await open();
    ws.push({ op: "ack", id: ws.sent("sub")[0].id, seq: 900, epoch: "e1" });
    ws.push({ op: "reset", channel: "course:7" }); // quiet channel: no event since the ack
    for (const seq of [1, 2, 2, 3]) ws.push({ op: "event", channel: "course:7", seq, type: "x", data: {} });
    ws.push({ op: "reset", channel: "course:7" }); // and again, after events
    for (const seq of [1, 2]) ws.push({ op: "event", channel: "course:7", seq, type: "x", data: {} });
    assert.deepEqual(got, [1, 2, 3, 1, 2]);
    assert.equal(resets, 2);
    ws.drop(1006);
    ws = await open();
    // The held epoch is the old one, so the server answers this resume with a reset.
    const sub = ws.sent("sub")[0];
    assert.equal(sub.since, 2);
    assert.equal(sub.epoch, "e1");
  });

  test("a resume after a reset with no event since keeps its place, and replayed events are delivered", async () => {
    const { client, open } = setup();
    const got = [];
    client.subscribe("course:7", (e) => got.push(e.seq), { onReset: () => {} });
    let ws = await open();
    ws.push({ op: "ack", id: ws.sent("sub")[0].id, seq: 5, epoch: "e1" });
    ws.push({ op: "event", channel: "course:7", seq: 6, type: "x", data: {} });
    ws.push({ op: "reset", channel: "course:7" });
    ws.drop(1006);
    ws = await open();
    const sub = ws.sent("sub")[0];
    assert.equal(sub.since, 6);
    ws.push({ op: "ack", id: sub.id, seq: 8, epoch: "e1" });
    for (const seq of [7, 8]) ws.push({ op: "event", channel: "course:7", seq, type: "x", data: {} });
    assert.deepEqual(got, [6, 7, 8]);
  });

  test("an ack without seq (the server's answer to unsub) is ignored", async () => {
    const { client, open } = setup();
    const ws = await open();
    const off = client.subscribe("user:1", () => {});
    ws.push({ op: "ack", id: ws.sent("sub")[0].id, seq: 3, epoch: "e" });
    off();
    ws.push({ op: "ack", id: ws.sent("unsub")[0].id });
    client.subscribe("user:1", () => {});
    assert.deepEqual(Object.keys(ws.sent("sub")[1]).sort(), ["channel", "id", "op"]);
  });

  test("a refused subscription calls onError, is dropped, and the socket stays", async () => {
    const { client, open } = setup();
    const errors = [];
    const events = [];
    client.on("error", (e) => events.push(e.code));
    client.subscribe("course:9:staff", () => assert.fail("no events"), { onError: (e) => errors.push(e) });
    let ws = await open();
    const sub = ws.sent("sub")[0];
    ws.push({ op: "error", id: sub.id, code: "forbidden", status: 4403 });
    assert.equal(errors.length, 1);
    assert.ok(errors[0] instanceof LmsRealtimeError);
    assert.equal(errors[0].code, "forbidden");
    assert.equal(errors[0].status, 4403);
    assert.equal(errors[0].channel, "course:9:staff");
    assert.deepEqual(events, ["forbidden"]);
    assert.equal(ws.closedWith, null);
    ws.push({ op: "event", channel: "course:9:staff", seq: 1, type: "x", data: {} });
    ws.drop(1006);
    ws = await open();
    assert.equal(ws.sent("sub").length, 0, "a refused channel is not re-sent");
  });
});

describe("calls", () => {
  test("call() resolves and rejects by id, with unique ids", async () => {
    const { client, open } = setup();
    const ws = await open();
    const a = client.call("live.answer", { choice: 2 });
    const b = client.call("live.join", { code: "X" });
    const [ca, cb] = ws.sent("call");
    assert.deepEqual(ca, { op: "call", id: ca.id, method: "live.answer", params: { choice: 2 } });
    assert.notEqual(ca.id, cb.id);
    // replies may come in any order
    ws.push({ op: "reply", id: cb.id, error: { code: "not_found", message: "no such session" } });
    ws.push({ op: "reply", id: ca.id, result: { accepted: true } });
    assert.deepEqual(await a, { accepted: true });
    await assert.rejects(b, (err) => err instanceof LmsRealtimeError && err.code === "not_found" && err.message === "no such session");
  });

  test("an error frame for a call id (unknown method) rejects that call", async () => {
    const { client, open } = setup();
    const ws = await open();
    const p = client.call("nope.nope", {});
    ws.push({ op: "error", id: ws.sent("call")[0].id, code: "bad_request", message: "unknown method" });
    await assert.rejects(p, { code: "bad_request" });
  });

  test("a call made while disconnected waits for the reconnect", async () => {
    const { client, open, sockets } = setup();
    let ws = await open();
    ws.drop(1006);
    const p = client.call("live.answer", { choice: 1 });
    await flush();
    assert.equal(sockets.length, 1);
    ws = await open();
    const [call] = ws.sent("call");
    assert.equal(call.method, "live.answer");
    assert.ok(ws.frames.indexOf(call) > 0, "auth goes first");
    ws.push({ op: "reply", id: call.id, result: { ok: 1 } });
    assert.deepEqual(await p, { ok: 1 });
  });

  test("a call made before connect() is sent once connected", async () => {
    const { client, open } = setup();
    const p = client.call("ping.echo", { n: 1 });
    const ws = await open();
    ws.push({ op: "reply", id: ws.sent("call")[0].id, result: 1 });
    assert.equal(await p, 1);
  });

  test("a call sent when the socket drops is rejected, not resent", async () => {
    const { client, open } = setup();
    let ws = await open();
    const p = client.call("live.answer", {});
    ws.drop(1006);
    await assert.rejects(p, { code: "disconnected" });
    ws = await open();
    assert.equal(ws.sent("call").length, 0);
  });

  test("a call times out, and a late reply is ignored", async () => {
    const { client, clock, open } = setup();
    const ws = await open();
    const p = client.call("slow", {}, { timeout: 2000 });
    const rejected = assert.rejects(p, { code: "timeout" });
    await clock.advance(2000);
    await rejected;
    ws.push({ op: "reply", id: ws.sent("call")[0].id, result: "late" });
  });
});

describe("reconnecting", () => {
  test("backoff delays are within the full-jitter bounds and grow", async () => {
    const randoms = [0.999, 0.999, 0.999, 0.999, 0.999, 0.999, 0.999, 0.3];
    let i = 0;
    const { client, clock, sockets } = setup({ random: () => randoms[i++] });
    const delays = [];
    client.on("close", (e) => delays.push(e.delay));
    client.connect();
    await flush();
    for (let n = 0; n < randoms.length; n++) {
      sockets[sockets.length - 1].drop(1006); // refused before opening
      await clock.advance(20_000);
    }
    assert.equal(sockets.length, randoms.length + 1);
    const caps = [500, 1000, 2000, 4000, 8000, 15000, 15000, 15000];
    delays.forEach((d, n) => {
      assert.ok(d >= 0 && d < caps[n], `delay ${n} = ${d} not in [0, ${caps[n]})`);
      assert.ok(Math.abs(d - randoms[n] * caps[n]) < 1e-9, `delay ${n} = random() * cap`);
    });
    for (let n = 1; n < 6; n++) assert.ok(delays[n] > delays[n - 1], "delays grow");
    assert.equal(delays[6], delays[5], "capped at maxDelay");
  });

  test("the backoff starts over once a connection stayed open and authenticated", async () => {
    const { client, clock, last } = setup({ random: () => 0.999 });
    const delays = [];
    client.on("close", (e) => delays.push(e.delay));
    client.connect();
    await flush();
    for (let n = 0; n < 3; n++) {
      last().drop(1006);
      await clock.advance(20_000);
    }
    // Opened and dropped at once, without a word from the server: still failing.
    last().accept();
    last().drop(1006);
    await clock.advance(20_000);
    const ws = last();
    ws.accept();
    ws.push({ op: "pong", t: clock.now() });
    await clock.advance(6000);
    ws.drop(1006);
    assert.deepEqual(
      delays.map((d) => Math.round(d)),
      [500, 999, 1998, 3996, 500],
    );
  });

  test("4401 asks getToken() again (reason 'expired') and authenticates with the new token", async () => {
    const { tokenCalls, open } = setup({ tokens: ["old", "new"] });
    let ws = await open();
    assert.deepEqual(tokenCalls, [{ reason: "connect" }]);
    ws.drop(CloseCode.UNAUTHORIZED, "token expired");
    ws = await open();
    assert.deepEqual(tokenCalls, [{ reason: "connect" }, { reason: "expired" }]);
    assert.deepEqual(ws.frames[0], { op: "auth", token: "new" });
  });

  test("4408 reconnects; 1001 reconnects within minDelay; 4429 waits at least slowDownDelay", async () => {
    const { client, clock, open } = setup({ random: () => 0.999 });
    const closes = [];
    client.on("close", (e) => closes.push(e));
    let ws = await open();
    ws.drop(CloseCode.AUTH_TIMEOUT);
    ws = await open();
    ws.drop(CloseCode.GOING_AWAY);
    ws = await open();
    ws.drop(CloseCode.TOO_SLOW);
    assert.deepEqual(
      closes.map((c) => c.willReconnect),
      [true, true, true],
    );
    assert.ok(closes[1].delay < client.minDelay, "1001 is prompt");
    assert.ok(closes[2].delay >= 5000, "4429 waits a few seconds");
    await clock.advance(4999);
    ws = await open();
    assert.ok(ws);
  });

  test("a 4403 close stops reconnecting and emits fatal", async () => {
    const fatal = [];
    const { client, clock, sockets, open } = setup({ onFatal: (e) => fatal.push(e.code) });
    const ws = await open();
    const p = client.call("x", {});
    ws.drop(CloseCode.FORBIDDEN);
    await assert.rejects(p);
    await clock.advance(60_000);
    assert.equal(sockets.length, 1);
    assert.deepEqual(fatal, [4403]);
    assert.equal(client.state, "closed");
  });

  test("close() by the app stops reconnecting and rejects waiting calls", async () => {
    const { client, clock, sockets, open } = setup();
    const closes = [];
    client.on("close", (e) => closes.push(e));
    const ws = await open();
    const p = client.call("x", {});
    client.close();
    await assert.rejects(p, { code: "closed" });
    assert.equal(ws.closedWith.code, 1000);
    assert.equal(closes.length, 1);
    assert.equal(closes[0].willReconnect, false);
    ws.drop(1000); // the real close event arriving late changes nothing
    await clock.advance(120_000);
    assert.equal(sockets.length, 1);
    assert.deepEqual(clock.pending(), []);
    await assert.rejects(client.call("y", {}), { code: "closed" });
  });

  test("close() while waiting out a backoff cancels the reconnect", async () => {
    const { client, clock, sockets, open } = setup();
    const ws = await open();
    ws.drop(1006);
    client.close();
    await clock.advance(120_000);
    assert.equal(sockets.length, 1);
  });

  test("close() while getToken() is pending opens no socket", async () => {
    let release;
    const clock = fakeClock();
    const { FakeWebSocket, sockets } = fakeWebSocketClass();
    const client = new LmsRealtime({
      url: "ws://lms.test/ws",
      getToken: () => new Promise((resolve) => (release = resolve)),
      WebSocketImpl: FakeWebSocket,
      setTimeout: clock.setTimeout,
      clearTimeout: clock.clearTimeout,
      now: clock.now,
    });
    client.connect();
    await flush();
    client.close();
    release("tok");
    await flush();
    assert.equal(sockets.length, 0);
  });
});

describe("ping and clock", () => {
  test("clock offset from pong is t - (sent + received) / 2", async () => {
    const { client, clock, open } = setup();
    const ws = await open(); // pings on connect
    const sent = clock.now();
    await clock.advance(100);
    ws.push({ op: "pong", t: sent + 5000 });
    assert.equal(client.clockOffset, sent + 5000 - (sent + sent + 100) / 2);
    assert.equal(client.clockOffset, 4950);
    assert.equal(client.rtt, 100);
    assert.equal(client.serverNow(), clock.now() + 4950);
  });

  test("the clock keeps the sample with the shortest round trip", async () => {
    const { client, clock, open } = setup();
    const ws = await open();
    await clock.advance(40);
    ws.push({ op: "pong", t: clock.now() - 20 + 1000 }); // rtt 40, offset 1000
    assert.ok(client.ping());
    await clock.advance(400);
    ws.push({ op: "pong", t: clock.now() + 700 }); // rtt 400, skewed by a slow return path
    assert.equal(client.clockOffset, 1000);
    assert.equal(client.rtt, 400);
  });

  test("pings every 25 s; a socket that stops answering is dropped and replaced", async () => {
    const { clock, sockets, open } = setup();
    const ws = await open();
    assert.equal(ws.sent("ping").length, 1);
    ws.push({ op: "pong", t: clock.now() });
    await clock.advance(25_000);
    assert.equal(ws.sent("ping").length, 2);
    await clock.advance(25_000); // no pong came back
    assert.equal(ws.closedWith?.code, CloseCode.NO_PONG);
    await clock.advance(60_000);
    assert.equal(sockets.length, 2);
  });
});

describe("re-authentication", () => {
  test("tokenExpiry reads exp from a base64url payload", () => {
    assert.equal(tokenExpiry(jwt({ exp: 1_700_000_900, name: "سارة ~~?>" })), 1_700_000_900_000);
    assert.equal(tokenExpiry("not-a-jwt"), null);
    assert.equal(tokenExpiry(jwt({ sub: "1" })), null);
  });

  test("reauthenticate() sends a fresh auth on the open socket", async () => {
    const { client, tokenCalls, open } = setup({ tokens: ["a", "b"] });
    const ws = await open();
    assert.equal(await client.reauthenticate(), true);
    assert.deepEqual(ws.sent("auth").map((f) => f.token), ["a", "b"]);
    assert.deepEqual(tokenCalls.at(-1), { reason: "manual" });
    assert.equal(ws.closedWith, null);
  });

  test("re-auth is scheduled shortly before the token's exp, in server time", async () => {
    const start = 1_700_000_000_000;
    const first = jwt({ exp: (start + 15 * 60_000) / 1000 });
    const second = jwt({ exp: (start + 30 * 60_000) / 1000 });
    const { clock, tokenCalls, open } = setup({ tokens: [first, second] });
    const ws = await open();
    // The server clock runs 10 s ahead: exp comes 10 s sooner by the client's clock.
    ws.autoPong = () => clock.now() + 10_000;
    ws.push({ op: "pong", t: clock.now() + 10_000 });
    await clock.advance(15 * 60_000 - 30_000 - 10_000 - 1);
    assert.equal(ws.sent("auth").length, 1);
    await clock.advance(1);
    assert.deepEqual(ws.sent("auth").map((f) => f.token), [first, second]);
    assert.deepEqual(tokenCalls.at(-1), { reason: "expiring" });
  });

  test("concurrent token reads share one getToken() call", async () => {
    const { client, tokenCalls, open } = setup({ tokens: ["a", "b", "c"] });
    await open();
    await Promise.all([client.reauthenticate(), client.reauthenticate()]);
    assert.equal(tokenCalls.length, 2);
  });
});

describe("robustness", () => {
  test("a throwing handler does not stop other handlers; it is reported as an error", async () => {
    const { client, open } = setup();
    const ws = await open();
    const errors = [];
    const got = [];
    client.on("error", (e) => errors.push(e.code));
    client.subscribe("user:1", () => {
      throw new Error("app bug");
    });
    client.subscribe("user:1", (e) => got.push(e.seq));
    ws.push({ op: "ack", id: ws.sent("sub")[0].id, seq: 0, epoch: "e" });
    ws.push({ op: "event", channel: "user:1", seq: 1, type: "x", data: {} });
    assert.deepEqual(got, [1]);
    assert.deepEqual(errors, ["handler_failed"]);
  });

  test("unknown ops and unparsable frames do not break the socket", async () => {
    const { client, open } = setup();
    const ws = await open();
    const errors = [];
    client.on("error", (e) => errors.push(e.code));
    ws.push({ op: "something-new" });
    ws.onmessage({ data: "{not json" });
    ws.push({ op: "error", code: "bad_request" });
    assert.deepEqual(errors, ["bad_frame", "bad_request"]);
    assert.equal(ws.closedWith, null);
  });
});
