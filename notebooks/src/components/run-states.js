// The states of a campaign's runs (orchestrator/batch/progress.ts), in the order pages list them, with the words
// and colours both the overview and the live page use, so a failed run is the same red everywhere.

export const RUN_STATES = ["succeeded", "failed", "timed-out", "cancelled", "running", "half-written", "left"];

export const STATE_WORDS = {
  succeeded: "succeeded",
  failed: "failed",
  "timed-out": "timed out",
  cancelled: "cancelled",
  running: "running",
  "half-written": "half-written (killed mid-run)",
  left: "left to run",
};

export const STATE_COLORS = {
  succeeded: "#4c78a8",
  failed: "#e45756",
  "timed-out": "#f58518",
  cancelled: "#9d755d",
  running: "#54a24b",
  "half-written": "#b279a2",
  left: "#bab0ac",
};

/** The states that did not end well: what a "failed runs" list shows. */
export const BAD_STATES = ["failed", "timed-out", "cancelled", "half-written"];

/** "1 h 02 min", "3 min 05 s", "42 s": a duration a person reads at a glance. */
export function formatDuration(ms) {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return "";
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, "0")} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, "0")} min`;
}

/**
 * A plain table: one header row, one row per object, cells as text (never HTML), in a box that scrolls sideways
 * rather than cutting columns on a narrow window.
 */
export function table(rows, columns, { headers = columns, className } = {}) {
  const t = document.createElement("table");
  if (className) t.className = className;
  const head = t.createTHead().insertRow();
  for (const h of headers) head.appendChild(Object.assign(document.createElement("th"), { textContent: h }));
  const body = t.createTBody();
  for (const r of rows) {
    const tr = body.insertRow();
    for (const c of columns) {
      const v = typeof c === "function" ? c(r) : r[c];
      tr.insertCell().textContent = v === null || v === undefined ? "" : String(v);
    }
  }
  const box = document.createElement("div");
  box.style.overflowX = "auto";
  box.append(t);
  return box;
}
