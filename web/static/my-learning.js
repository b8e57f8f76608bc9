// "My learning": progress bars follow the student's `user:<id>` channel live.
//
// The socket is authenticated by the session cookie at the upgrade (no token, no auth frame).
// Events update a card at once; when the server cannot replay what was missed (`reset`) the
// page refetches its state over REST, with the same cookie.
import { CloseCode, LmsRealtime } from "./lms-realtime.js";

const root = document.getElementById("my-learning");
const status = document.getElementById("live-status");
const SIGN_IN = "/sign-in?next=%2Fmy-learning";
// Several events in a row (a lesson completed, then the course) cost one refetch.
const REFETCH_DELAY_MS = 300;

function say(text) {
  if (status) status.textContent = text;
}

function cardOf(enrollmentId) {
  for (const card of root.querySelectorAll("[data-enrollment-id]")) {
    if (card.dataset.enrollmentId === enrollmentId) return card;
  }
  return null;
}

function setText(card, field, text) {
  const el = card.querySelector(`[data-field="${field}"]`);
  if (el) el.textContent = text;
}

function showProgress(card, { progress_percentage, completed_lessons_count, total_lessons_count }) {
  const percent = Math.max(0, Math.min(100, Math.floor(Number(progress_percentage) || 0)));
  const bar = card.querySelector("progress");
  if (bar) {
    bar.value = percent;
    bar.textContent = `${percent}%`;
  }
  setText(card, "percent", String(percent));
  setText(card, "completed", String(completed_lessons_count));
  setText(card, "total", String(total_lessons_count));
}

function showCompleted(card, completed) {
  const badge = card.querySelector('[data-field="status"]');
  if (badge) badge.hidden = !completed;
}

async function refetch() {
  const response = await fetch("/api/v1/enrollments/my-courses", {
    credentials: "same-origin",
    headers: { Accept: "application/json" },
  });
  if (response.status === 401) {
    window.location.assign(SIGN_IN);
    return;
  }
  if (!response.ok) return;
  const items = await response.json();
  if (items.some((item) => !cardOf(item.enrollment.id))) {
    // A course this page does not show yet (enrolled elsewhere): the server renders it.
    window.location.reload();
    return;
  }
  for (const item of items) {
    const card = cardOf(item.enrollment.id);
    showProgress(card, item.enrollment);
    showCompleted(card, item.enrollment.status === "completed");
    const next = card.querySelector('[data-field="next"]');
    if (next) showNext(next, item.course, item.next_lesson);
  }
}

// Built from DOM nodes, never markup: titles are user-written text.
function showNext(element, course, lesson) {
  if (!lesson) {
    element.textContent = "All lessons done";
    return;
  }
  const link = document.createElement("a");
  link.dir = "auto";
  link.href = `/learn/${encodeURIComponent(course.slug)}/${encodeURIComponent(lesson.slug)}`;
  link.textContent = lesson.title;
  element.replaceChildren("Next: ", link);
}

let refetchTimer = null;
function refetchSoon() {
  clearTimeout(refetchTimer);
  refetchTimer = setTimeout(() => {
    refetch().catch(() => say("Could not refresh your courses; reload the page."));
  }, REFETCH_DELAY_MS);
}

function onEvent(frame) {
  const data = frame.data || {};
  const card = data.enrollment_id ? cardOf(data.enrollment_id) : null;
  if (frame.type === "progress.updated" && card) showProgress(card, data);
  if (frame.type === "enrollment.completed" && card) showCompleted(card, true);
  // The next lesson and anything new come from the server's state.
  refetchSoon();
}

if (root && root.dataset.userId && "WebSocket" in window) {
  const client = new LmsRealtime({ url: "/ws" });
  client.on("open", () => say("Live updates on."));
  client.on("close", ({ code, willReconnect }) => {
    if (code === CloseCode.UNAUTHORIZED || code === CloseCode.AUTH_TIMEOUT) {
      // Signed out (here or elsewhere): the cookie no longer opens a socket, and this page
      // has no token to offer instead.
      client.close();
      say("You have been signed out.");
      return;
    }
    if (willReconnect) say("Reconnecting…");
  });
  client.subscribe(`user:${root.dataset.userId}`, onEvent, { onReset: refetchSoon });
  client.connect();
}
