// The live lesson room: the host's step, the people in the room, chat, questions with
// upvotes, and raised hands (the host sees the queue). Messages are shown as text, never
// as markup.
import { $, client, data, status } from "/static/live-common.js";

const channel = `live:${data.session_id}`;
const call = (method, params = {}) => client.call(method, { session_id: data.session_id, ...params });
const messages = new Map(); // id -> message
const room = new Map();
let step = 0;
let handRaised = false;

function showStep(index, payload) {
  step = index;
  $("step-index").textContent = String(index);
  $("step-text").textContent = (payload && payload.text) || "";
}

function drawRoom() {
  $("room").replaceChildren(
    ...[...room.values()].map((m) => {
      const item = document.createElement("li");
      item.textContent = m.name;
      return item;
    }),
  );
  $("room-count").textContent = String(room.size);
}

function drawMessages() {
  const chat = [];
  const questions = [];
  for (const m of messages.values()) {
    if (m.hidden) continue;
    const item = document.createElement("li");
    item.dataset.messageId = m.id;
    const text = document.createElement("span");
    text.textContent = `${m.author_name}: ${m.text}`;
    item.append(text);
    if (m.kind === "question") {
      const votes = document.createElement("button");
      votes.type = "button";
      votes.className = "button button-quiet upvote";
      votes.textContent = `▲ ${m.upvotes}`;
      votes.setAttribute("aria-label", `Upvote (${m.upvotes})`);
      votes.addEventListener("click", () => call("qa.upvote", { message_id: m.id }).catch(() => {}));
      item.append(" ", votes);
      if (m.answered) item.append(" ✓ answered");
      else if (data.host) {
        const done = document.createElement("button");
        done.type = "button";
        done.className = "button button-quiet";
        done.textContent = "Mark answered";
        done.addEventListener("click", () => call("qa.answered", { message_id: m.id }));
        item.append(" ", done);
      }
      questions.push([m.upvotes, item]);
    } else {
      if (data.host) {
        const hide = document.createElement("button");
        hide.type = "button";
        hide.className = "button button-quiet";
        hide.textContent = "Hide";
        hide.addEventListener("click", () => call("chat.hide", { message_id: m.id }));
        item.append(" ", hide);
      }
      chat.push(item);
    }
  }
  $("chat").replaceChildren(...chat);
  questions.sort((a, b) => b[0] - a[0]);
  $("questions").replaceChildren(...questions.map(([, item]) => item));
}

function drawHands(hands) {
  if (!$("hands")) return;
  $("hands").replaceChildren(
    ...hands.map((h) => {
      const item = document.createElement("li");
      item.dataset.participantId = h.participant_id;
      item.textContent = h.display_name;
      return item;
    }),
  );
}

const hands = new Map();

client.subscribe(channel, (event) => {
  const d = event.data || {};
  switch (event.type) {
    case "step.changed":
      showStep(d.index, d.payload);
      break;
    case "chat.message":
    case "qa.asked":
      messages.set(d.id, d);
      drawMessages();
      break;
    case "qa.upvoted":
      if (messages.has(d.id)) messages.get(d.id).upvotes = d.upvotes;
      drawMessages();
      break;
    case "qa.answered":
      if (messages.has(d.id)) messages.get(d.id).answered = true;
      drawMessages();
      break;
    case "message.hidden":
      if (messages.has(d.id)) messages.get(d.id).hidden = true;
      drawMessages();
      break;
    case "presence.changed":
      for (const member of d.joined || []) room.set(member.user_id, member);
      for (const userId of d.left || []) room.delete(userId);
      drawRoom();
      break;
    case "session.state":
      status(d.state === "ended" ? "The lesson has ended" : "Live");
      break;
    default:
      break;
  }
}, { onReset: () => window.location.reload() });

if (data.host) {
  client.subscribe(`${channel}:host`, (event) => {
    const d = event.data || {};
    if (event.type === "hand.raised") hands.set(d.participant_id, d);
    if (event.type === "hand.lowered") hands.delete(d.participant_id);
    drawHands([...hands.values()]);
  });
  $("start").addEventListener("click", () => call("live.start").catch((e) => status(e.message)));
  $("end").addEventListener("click", () => call("live.end").catch((e) => status(e.message)));
  $("next-step").addEventListener("click", () =>
    call("live.step", { index: step + 1, payload: { text: `Step ${step + 1}` } }).catch((e) => status(e.message)),
  );
  $("prev-step").addEventListener("click", () =>
    call("live.step", { index: Math.max(0, step - 1), payload: { text: `Step ${Math.max(0, step - 1)}` } }).catch(
      (e) => status(e.message),
    ),
  );
} else {
  $("hand").addEventListener("click", async () => {
    handRaised = !handRaised;
    await call(handRaised ? "hand.raise" : "hand.lower");
    $("hand").textContent = handRaised ? "Lower hand" : "Raise hand";
    $("hand").setAttribute("aria-pressed", String(handRaised));
  });
}

function sender(formId, inputId, method) {
  $(formId).addEventListener("submit", async (event) => {
    event.preventDefault();
    const input = $(inputId);
    try {
      await call(method, { text: input.value });
      input.value = "";
    } catch (error) {
      status(error.message);
    }
  });
}
sender("chat-form", "chat-text", "chat.send");
sender("qa-form", "qa-text", "qa.ask");

client.on("open", async () => {
  status("Connected");
  const snap = await call("live.snapshot");
  showStep(snap.step.index, snap.step.payload);
  messages.clear();
  for (const m of snap.messages) messages.set(m.id, m);
  drawMessages();
  if (snap.hands) {
    hands.clear();
    for (const h of snap.hands) hands.set(h.participant_id, h);
    drawHands(snap.hands);
  }
  try {
    const present = await client.call("presence.list", { channel });
    room.clear();
    for (const m of present.members) room.set(m.user_id, m);
    drawRoom();
  } catch {
    // Presence is advisory: the room still works without the list.
  }
});
client.connect();
