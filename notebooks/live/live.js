// The live page of `report:serve`: polls /_live/progress.json (orchestrator/campaign/run/campaign-progress.ts, read
// from batch.json, runs.jsonl and the run directories at each request) and redraws the counts, the bar and the table
// of runs. It needs no build and no library, so it works before the campaign has any database or report.
import { RUN_STATES, STATE_COLORS, STATE_WORDS, formatDuration } from "/_live/run-states.js";

const POLL_MS = 2000;
const $ = (id) => document.getElementById(id);

function cell(row, text, className) {
  const td = row.insertCell();
  td.textContent = text === null || text === undefined ? "" : String(text);
  if (className) td.className = className;
  return td;
}

function time(ms) {
  return ms === null ? "" : new Date(ms).toLocaleString();
}

function render(p) {
  document.title = `${p.campaign}: ${p.counts.succeeded + p.counts.failed + p.counts["timed-out"]}/${p.total} runs`;
  $("title").textContent = `Campaign ${p.campaign}`;
  const done = p.total - p.counts.left - p.counts.running;
  const parts = [`${done} of ${p.total} runs ended`];
  for (const s of RUN_STATES) if (p.counts[s] > 0) parts.push(`${p.counts[s]} ${STATE_WORDS[s]}`);
  const pace = p.finished
    ? "the campaign is finished"
    : p.etaMs === null
      ? "no run has ended yet, so no estimate of the time left"
      : `about ${formatDuration(p.etaMs)} left at the current pace`;
  const started = p.firstStartedAt === null ? "" : `; started ${time(p.firstStartedAt)}`;
  $("summary").textContent = `${parts.join(", ")}; ${pace}${started}. Updated ${time(p.readAt)}.`;
  $("summary").className = "";

  $("bar").replaceChildren(
    ...RUN_STATES.filter((s) => p.counts[s] > 0).map((s) => {
      const span = document.createElement("span");
      span.style.width = `${(100 * p.counts[s]) / Math.max(1, p.total)}%`;
      span.style.background = STATE_COLORS[s];
      span.title = `${p.counts[s]} ${STATE_WORDS[s]}`;
      return span;
    }),
  );
  $("legend").replaceChildren(
    ...RUN_STATES.map((s) => {
      const item = document.createElement("span");
      item.dataset.state = s;
      const swatch = document.createElement("i");
      swatch.style.background = STATE_COLORS[s];
      item.append(swatch, `${STATE_WORDS[s]}: ${p.counts[s]}`);
      return item;
    }),
  );
  $("report").replaceChildren();
  if (p.reportBuilt) {
    const a = Object.assign(document.createElement("a"), { href: "/", textContent: "the report built so far" });
    $("report").append("Open ", a, " (built from the runs ingested when it was built).");
  }

  const body = $("runs").tBodies[0];
  body.replaceChildren();
  for (const r of p.runs) {
    const row = body.insertRow();
    row.dataset.key = r.key;
    row.dataset.state = r.state;
    cell(row, r.seq);
    cell(row, r.key);
    cell(row, r.label);
    const state = cell(row, "", "state");
    const dot = document.createElement("i");
    dot.style.background = STATE_COLORS[r.state];
    state.append(dot, STATE_WORDS[r.state]);
    cell(row, r.attempts);
    cell(row, time(r.startedAt));
    const end = r.state === "running" ? p.readAt : r.endedAt;
    cell(row, r.startedAt === null || end === null ? "" : formatDuration(end - r.startedAt));
    cell(row, r.exit);
    cell(row, r.signal);
    cell(row, r.error, "error");
  }
}

async function poll() {
  try {
    const res = await fetch("/_live/progress.json", { cache: "no-store" });
    if (!res.ok) throw new Error(`${res.status} ${await res.text()}`);
    render(await res.json());
    $("stale").hidden = true;
    document.body.dataset.ready = "true";
  } catch (err) {
    $("stale").hidden = false;
    $("stale").textContent = `The server stopped answering (${err.message}); what is shown may be out of date.`;
  }
  setTimeout(poll, POLL_MS);
}

poll();
