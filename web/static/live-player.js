// The player's screen: the open question's choices, a countdown on the server's clock,
// whether the answer was right once the question closes, rank and score, the podium.
import { $, client, countdown, data, podium, status, stopCountdown } from "/static/live-common.js";

let current = null; // {question_id, chosen}

function choicesFor(question) {
  if (question.type === "true_false") {
    return [
      { id: true, text: "True" },
      { id: false, text: "False" },
    ];
  }
  return question.options;
}

function showQuestion(question, answered) {
  current = { question_id: question.question_id, chosen: null };
  $("question").textContent = question.text;
  $("result").textContent = answered ? "Answer received." : "";
  $("choices").replaceChildren(
    ...choicesFor(question).map((option) => {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "button choice";
      button.textContent = option.text;
      button.disabled = answered;
      button.addEventListener("click", () => answer(option.id));
      return button;
    }),
  );
  countdown(question.closes_at);
}

async function answer(choice) {
  if (!current) return;
  for (const button of $("choices").querySelectorAll("button")) button.disabled = true;
  current.chosen = choice;
  try {
    await client.call("live.answer", {
      session_id: data.session_id,
      question_id: current.question_id,
      choice,
    });
    $("result").textContent = "Answer received.";
  } catch (error) {
    $("result").textContent = error.code === "question_closed" ? "Too late for this one." : error.message;
  }
}

function closed(d) {
  stopCountdown();
  $("countdown").textContent = "closed";
  for (const button of $("choices").querySelectorAll("button")) button.disabled = true;
  const key = d.answer || {};
  if (current && current.chosen !== null && "correct" in key) {
    $("result").textContent = current.chosen === key.correct ? "Correct!" : "Not this time.";
  } else if (current && current.chosen === null) {
    $("result").textContent = "No answer given.";
  }
}

client.subscribe(`live:${data.session_id}`, (event) => {
  const d = event.data || {};
  if (event.type === "question.opened") showQuestion(d, false);
  else if (event.type === "question.closed") closed(d);
  else if (event.type === "session.ended") {
    podium(d.podium);
    status("The session has ended");
  } else if (event.type === "session.state" && d.state === "running") status("Get ready…");
}, { onReset: () => window.location.reload() });

client.subscribe(`user:${data.user_id}`, (event) => {
  if (event.type !== "live.rank" || event.data.session_id !== data.session_id) return;
  $("score").textContent = String(event.data.score);
  $("rank").textContent = `${event.data.rank} of ${event.data.participants}`;
});

client.on("open", async () => {
  status("Connected");
  const snap = await client.call("live.snapshot", { session_id: data.session_id });
  if (snap.me) {
    $("score").textContent = String(snap.me.score);
    $("rank").textContent = `${snap.me.rank} of ${snap.session.participant_count}`;
  }
  if (snap.session.state === "question_open" && snap.question) {
    showQuestion(snap.question, Boolean(snap.me && snap.me.answered_current));
  }
  if (snap.session.state === "ended" && snap.leaderboard) podium(snap.leaderboard.slice(0, 3));
});
client.connect();
