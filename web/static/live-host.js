// The host's console: controls, the open question with live answer counts, the closing
// distribution as bars, the leaderboard and the podium.
import { $, client, countdown, data, podium, ranked, status, stopCountdown } from "/static/live-common.js";

const SVG = "http://www.w3.org/2000/svg";

function bars(counts) {
  const svg = $("answers-chart");
  svg.replaceChildren();
  const entries = Object.entries(counts);
  const max = Math.max(1, ...entries.map(([, n]) => n));
  const width = 300 / Math.max(1, entries.length);
  entries.forEach(([label, value], i) => {
    const height = Math.round((value / max) * 100);
    const rect = document.createElementNS(SVG, "rect");
    for (const [k, v] of Object.entries({ x: 10 + i * width + 4, y: 110 - height, width: width - 8, height, fill: "#1f5fa8" })) {
      rect.setAttribute(k, String(v));
    }
    rect.dataset.label = label;
    rect.dataset.value = String(value);
    const title = document.createElementNS(SVG, "title");
    title.textContent = `${label}: ${value}`;
    rect.appendChild(title);
    const text = document.createElementNS(SVG, "text");
    text.setAttribute("x", String(10 + i * width + width / 2));
    text.setAttribute("y", "128");
    text.setAttribute("text-anchor", "middle");
    text.textContent = `${label} (${value})`;
    svg.append(rect, text);
  });
}

function onEvent(event) {
  const d = event.data || {};
  switch (event.type) {
    case "participant.joined":
    case "participant.left":
      $("players").textContent = String(d.count);
      break;
    case "question.opened":
      $("question").textContent = d.text;
      $("answered").textContent = "0";
      bars(Object.fromEntries((d.options || []).map((o) => [o.id, 0])));
      countdown(d.closes_at);
      status(`Question ${d.index + 1} of ${d.question_count} is open`);
      break;
    case "answer.count":
      $("answered").textContent = String(d.count);
      break;
    case "question.closed":
      stopCountdown();
      $("countdown").textContent = "closed";
      $("answered").textContent = String(d.answered);
      bars(d.distribution);
      status(`Question ${d.index + 1} closed: ${d.correct_count} of ${d.answered} right`);
      break;
    case "leaderboard":
      ranked($("leaderboard"), d.top);
      break;
    case "session.ended":
      ranked($("leaderboard"), d.top);
      podium(d.podium);
      status("The session has ended");
      break;
    default:
      break;
  }
}

for (const button of document.querySelectorAll("button[data-method]")) {
  button.addEventListener("click", async () => {
    try {
      await client.call(button.dataset.method, { session_id: data.session_id });
    } catch (error) {
      status(`${button.textContent}: ${error.message}`);
    }
  });
}

client.on("open", async () => {
  status("Connected");
  const snap = await client.call("live.snapshot", { session_id: data.session_id });
  $("players").textContent = String(snap.session.participant_count);
  if (snap.question) {
    $("question").textContent = snap.question.text;
    if (snap.session.state === "question_open") countdown(snap.question.closes_at);
  }
  if (snap.leaderboard) ranked($("leaderboard"), snap.leaderboard);
});
client.subscribe(`live:${data.session_id}`, onEvent, { onReset: () => window.location.reload() });
client.subscribe(`live:${data.session_id}:host`, () => {}, {});
client.connect();
