// What the live host and player pages share: the session's data, a cookie-authenticated
// client, a countdown on the server's clock and the podium.
import { LmsRealtime } from "/static/lms-realtime.js";

export const data = JSON.parse(document.getElementById("live-data").textContent);
export const client = new LmsRealtime();

export function $(id) {
  return document.getElementById(id);
}

export function status(text) {
  $("status").textContent = text;
}

let ticking = null;

// Counts down to `closesAt` (ISO) by the server's clock, whatever the browser's says.
export function countdown(closesAt) {
  if (ticking) clearInterval(ticking);
  const end = Date.parse(closesAt);
  const show = () => {
    const left = Math.max(0, Math.ceil((end - client.serverNow()) / 1000));
    $("countdown").textContent = `${left} s`;
    $("countdown").dataset.remaining = String(left);
    if (left <= 0 && ticking) {
      clearInterval(ticking);
      ticking = null;
    }
  };
  show();
  ticking = setInterval(show, 250);
}

export function stopCountdown() {
  if (ticking) clearInterval(ticking);
  ticking = null;
}

export function podium(rows) {
  $("podium-title").hidden = false;
  $("podium").replaceChildren(
    ...rows.map((row) => {
      const item = document.createElement("li");
      item.textContent = `${row.display_name} — ${row.score}`;
      return item;
    }),
  );
}

export function ranked(list, rows) {
  list.replaceChildren(
    ...rows.map((row) => {
      const item = document.createElement("li");
      item.textContent = `${row.display_name} — ${row.score}`;
      return item;
    }),
  );
}
