// The instructor's course dashboard: drawn from the page's data, then kept current by the
// course's staff channel. Charts are inline SVG built with DOM calls (no inline script or
// style, as the page's CSP requires).
import { LmsRealtime } from "/static/lms-realtime.js";

const SVG = "http://www.w3.org/2000/svg";
const BUCKETS = [
  { label: "0–24 %", test: (p) => p < 25 },
  { label: "25–49 %", test: (p) => p >= 25 && p < 50 },
  { label: "50–74 %", test: (p) => p >= 50 && p < 75 },
  { label: "75–99 %", test: (p) => p >= 75 && p < 100 },
  { label: "100 %", test: (p) => p >= 100 },
];
const FEED_LIMIT = 50;

const data = JSON.parse(document.getElementById("dashboard-data").textContent);
const students = new Map(Object.entries(data.students));
const online = new Map();

function el(tag, attrs = {}, text = null) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, String(value));
  if (text !== null) node.textContent = text;
  return node;
}

function bars(svg, rows, title) {
  for (const node of [...svg.querySelectorAll("g")]) node.remove();
  const group = el("g");
  const max = Math.max(1, ...rows.map((r) => r.value));
  const width = 300 / Math.max(1, rows.length);
  rows.forEach((row, i) => {
    const height = Math.round((row.value / max) * 110);
    const x = 10 + i * width;
    const bar = el("rect", {
      x: x + 4, y: 125 - height, width: width - 8, height, fill: "#1f5fa8",
      "data-label": row.label, "data-value": row.value,
    });
    bar.appendChild(el("title", {}, `${row.label}: ${row.value} ${title}`));
    group.appendChild(bar);
    group.appendChild(el("text", { x: x + width / 2, y: 120 - height, "text-anchor": "middle", "font-size": 12, fill: "#111" }, String(row.value)));
    group.appendChild(el("text", { x: x + width / 2, y: 145, "text-anchor": "middle", "font-size": 10, fill: "#333" }, row.label));
  });
  svg.appendChild(group);
}

function drawProgress() {
  const values = [...students.values()].map((s) => s.progress);
  bars(
    document.getElementById("progress-chart"),
    BUCKETS.map((b) => ({ label: b.label, value: values.filter(b.test).length })),
    "students",
  );
}

function drawFunnel() {
  bars(
    document.getElementById("funnel-chart"),
    data.funnel.map((f, i) => ({ label: `L${i + 1}`, value: f.completed })),
    "completed",
  );
}

function drawOnline() {
  const list = document.getElementById("online");
  list.replaceChildren(
    ...[...online.values()].sort((a, b) => a.name.localeCompare(b.name)).map((m) => {
      const item = document.createElement("li");
      item.textContent = m.name;
      return item;
    }),
  );
  document.getElementById("online-count").textContent = String(online.size);
}

function feed(text) {
  const list = document.getElementById("feed");
  const item = document.createElement("li");
  const time = document.createElement("time");
  const now = new Date();
  time.dateTime = now.toISOString();
  time.textContent = now.toLocaleTimeString();
  item.append(time, " ", text);
  list.prepend(item);
  while (list.children.length > FEED_LIMIT) list.lastElementChild.remove();
}

function nameOf(enrollmentId, fallback = "A student") {
  return students.get(enrollmentId)?.name || fallback;
}

function onEvent(event) {
  const d = event.data || {};
  switch (event.type) {
    case "enrollment.created":
      students.set(d.enrollment_id, { name: d.student_name || "", progress: 0 });
      feed(`${d.student_name || "A student"} enrolled`);
      drawProgress();
      break;
    case "progress.updated": {
      const student = students.get(d.enrollment_id) || { name: "", progress: 0 };
      student.progress = d.progress_percentage;
      students.set(d.enrollment_id, student);
      if (d.lesson_status === "completed") {
        const lesson = data.funnel.find((f) => f.lesson_id === d.lesson_id);
        if (lesson) lesson.completed += 1;
        feed(`${nameOf(d.enrollment_id)} completed ${lesson ? lesson.title : "a lesson"}`);
        drawFunnel();
      }
      drawProgress();
      break;
    }
    case "enrollment.completed":
      feed(`${nameOf(d.enrollment_id)} completed the course`);
      break;
    case "attempt.submitted":
      feed(`A quiz was submitted (${d.status})`);
      break;
    case "attempt.graded":
      feed(`A quiz was graded: ${d.percentage} %`);
      break;
    case "presence.changed":
      for (const member of d.joined || []) online.set(member.user_id, member);
      for (const userId of d.left || []) online.delete(userId);
      drawOnline();
      break;
    default:
      break;
  }
}

async function refreshPresence(client, channel) {
  try {
    const result = await client.call("presence.list", { channel });
    online.clear();
    for (const member of result.members) {
      if (member.role === "student") online.set(member.user_id, member);
    }
    drawOnline();
  } catch (error) {
    feed(`Presence unavailable: ${error.code || error.message}`);
  }
}

function start() {
  drawProgress();
  drawFunnel();
  drawOnline();
  const channel = `course:${data.course_id}:staff`;
  const client = new LmsRealtime();
  const status = document.getElementById("connection");
  client.on("open", () => {
    status.textContent = "Live";
    status.dataset.state = "live";
    refreshPresence(client, channel);
  });
  client.on("close", () => {
    status.textContent = "Reconnecting…";
    status.dataset.state = "reconnecting";
  });
  // History no longer reaches back: reload to start from committed state.
  client.subscribe(channel, onEvent, { onReset: () => window.location.reload() });
  client.connect();
}

start();
