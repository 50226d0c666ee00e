// Chat page: ask over POST /v1/chat (Server-Sent Events), show the answer with its
// numbered citations, open a citation to read the quoted span in its document
// (GET /v1/documents/{id}/context), start a new conversation. No build step; all
// document text goes through textContent, never innerHTML.
"use strict";

const $ = (sel) => document.querySelector(sel);
const state = {
  conversationId: localStorage.getItem("conversationId") || null,
  key: localStorage.getItem("apiKey") || "",
  busy: false,
};

function authHeaders(extra = {}) {
  const h = { ...extra };
  if (state.key) h["Authorization"] = "Bearer " + state.key;
  return h;
}

function setStatus(text, isError = false) {
  const el = $("#status");
  el.textContent = text || "";
  el.classList.toggle("error", isError);
}

async function errorMessage(res) {
  try {
    const body = await res.json();
    if (body && body.error) {
      if (res.status === 401) return body.error.message + " (set it under 'API key')";
      return body.error.message;
    }
  } catch (_) { /* not JSON */ }
  return `${res.status} ${res.statusText}`;
}

function el(tag, cls, text) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined && text !== null) node.textContent = text;
  return node;
}

// --- rendering -----------------------------------------------------------------
function newTurn(question) {
  $("#empty").hidden = true;
  const node = $("#answer-template").content.firstElementChild.cloneNode(true);
  node.querySelector(".question").textContent = question;
  $("#log").appendChild(node);
  return node;
}

function renderAnswerText(turn, text, citations) {
  const p = turn.querySelector(".answer");
  p.classList.remove("pending");
  p.replaceChildren();
  const known = new Set((citations || []).map((c) => c.n));
  const parts = text.split(/(\[\d+\])/);
  for (const part of parts) {
    const m = part.match(/^\[(\d+)\]$/);
    if (m && known.has(Number(m[1]))) {
      const ref = el("button", "cite-ref", part);
      ref.type = "button";
      ref.title = "Show source " + m[1];
      ref.addEventListener("click", () => openCitation(turn, Number(m[1]), true));
      p.appendChild(ref);
    } else if (part) {
      p.appendChild(document.createTextNode(part));
    }
  }
}

function renderCitations(turn, citations) {
  const list = turn.querySelector(".citations");
  list.replaceChildren();
  for (const c of citations || []) {
    const item = el("li", "citation");
    item.dataset.n = c.n;
    const toggle = el("button", "citation-toggle");
    toggle.type = "button";
    toggle.setAttribute("aria-expanded", "false");
    toggle.append(el("span", "n", `[${c.n}]`), el("span", "title", c.title || c.doc_id));
    const where = [c.locator, c.date].filter(Boolean).join(" · ");
    toggle.append(el("span", "where", where));
    toggle.addEventListener("click", () => openCitation(turn, c.n, false));
    item.append(toggle, el("p", "quote", "“" + c.quote + "”"));
    item._citation = c;
    list.appendChild(item);
  }
}

function renderBadges(turn, answer) {
  const badges = turn.querySelector(".badges");
  badges.replaceChildren();
  if (answer.short_answer && !answer.abstained) badges.appendChild(el("span", "badge", "Short answer: " + answer.short_answer));
  if (answer.abstained) badges.appendChild(el("span", "badge warn", "Not found in the documents"));
  if (answer.conflict) badges.appendChild(el("span", "badge warn", "Sources disagree"));
  if (answer.computation) badges.appendChild(el("span", "badge", answer.computation));
  const rewritten = turn.querySelector(".rewritten");
  if (answer.standalone_question && answer.standalone_question !== answer.question) {
    rewritten.textContent = "Understood as: " + answer.standalone_question;
    rewritten.hidden = false;
  }
}

function renderRelated(turn, related) {
  const box = turn.querySelector(".related");
  const list = box.querySelector("ul");
  list.replaceChildren();
  for (const r of related || []) {
    list.appendChild(el("li", null, `${r.title} (${r.locator}): ${r.text.slice(0, 180)}…`));
  }
  box.hidden = !(related && related.length);
}

function renderFinal(turn, answer) {
  renderCitations(turn, answer.citations);
  renderAnswerText(turn, answer.answer, answer.citations);
  renderBadges(turn, answer);
  renderRelated(turn, answer.related);
  turn.dataset.done = "true";
}

async function openCitation(turn, n, fromMarker) {
  const item = turn.querySelector(`.citation[data-n="${n}"]`);
  if (!item) return;
  const toggle = item.querySelector(".citation-toggle");
  let panel = item.querySelector(".context");
  if (panel && !fromMarker) {
    panel.remove();
    item.classList.remove("open");
    toggle.setAttribute("aria-expanded", "false");
    return;
  }
  item.scrollIntoView({ block: "nearest", behavior: "smooth" });
  if (fromMarker) {  // show which source a [n] marker points at
    item.classList.remove("flash");
    void item.offsetWidth;  // restart the highlight animation
    item.classList.add("flash");
  }
  if (panel) return;
  panel = el("div", "context", "Loading the passage…");
  item.appendChild(panel);
  item.classList.add("open");
  toggle.setAttribute("aria-expanded", "true");
  const c = item._citation;
  const url = `/v1/documents/${encodeURIComponent(c.doc_id)}/context?start=${c.start}&end=${c.end}&window=400`;
  try {
    const res = await fetch(url, { headers: authHeaders() });
    if (!res.ok) { panel.textContent = await errorMessage(res); panel.classList.add("error"); return; }
    const ctx = await res.json();
    panel.replaceChildren(
      el("span", "meta", `${ctx.title} — ${ctx.locator}`),
      document.createTextNode((ctx.context_start > 0 ? "… " : "") + ctx.before),
      el("mark", null, ctx.quote),
      document.createTextNode(ctx.after + (ctx.context_end < ctx.document_length ? " …" : "")),
    );
    const mark = panel.querySelector("mark");
    panel.scrollTop = Math.max(0, mark.offsetTop - panel.offsetTop - panel.clientHeight / 3);
  } catch (err) {
    panel.textContent = "Could not load the passage: " + err;
    panel.classList.add("error");
  }
}

// --- asking ----------------------------------------------------------------------
async function* sseEvents(res) {
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let cut;
    while ((cut = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      let event = "message";
      const data = [];
      for (const line of block.split("\n")) {
        if (line.startsWith("event:")) event = line.slice(6).trim();
        else if (line.startsWith("data:")) data.push(line.slice(5).trimStart());
      }
      if (data.length) yield { event, data: JSON.parse(data.join("\n")) };
    }
  }
}

async function ask(question) {
  if (state.busy || !question.trim()) return;
  state.busy = true;
  $("#ask").disabled = true;
  setStatus("Searching the documents…");
  const turn = newTurn(question);
  const answerEl = turn.querySelector(".answer");
  answerEl.classList.add("pending");
  turn.scrollIntoView({ block: "end", behavior: "smooth" });
  try {
    const body = { question, stream: true };
    if (state.conversationId) body.conversation_id = state.conversationId;
    const res = await fetch("/v1/chat", {
      method: "POST",
      headers: authHeaders({ "Content-Type": "application/json", "Accept": "text/event-stream" }),
      body: JSON.stringify(body),
    });
    if (!res.ok) {
      const message = await errorMessage(res);
      if (res.status === 404 && state.conversationId) resetConversation(false);
      answerEl.classList.remove("pending");
      answerEl.textContent = message;
      answerEl.classList.add("error");
      setStatus(message, true);
      return;
    }
    let text = "";
    for await (const { event, data } of sseEvents(res)) {
      if (event === "citations") {
        renderCitations(turn, data.citations);
        setConversation(data.conversation_id);
      } else if (event === "delta") {
        text += data.text;
        answerEl.textContent = text;
      } else if (event === "done") {
        renderFinal(turn, data);
        setConversation(data.conversation_id);
        const t = data.timings_ms || {};
        setStatus(t.total !== undefined ? `Answered in ${Math.round(t.total)} ms` : "");
      }
    }
  } catch (err) {
    answerEl.classList.remove("pending");
    answerEl.textContent = "The request failed: " + err;
    answerEl.classList.add("error");
    setStatus("The request failed", true);
  } finally {
    state.busy = false;
    $("#ask").disabled = false;
    $("#question").focus();
  }
}

function setConversation(id) {
  if (!id) return;
  state.conversationId = id;
  localStorage.setItem("conversationId", id);
}

function resetConversation(clearLog = true) {
  state.conversationId = null;
  localStorage.removeItem("conversationId");
  if (clearLog) {
    for (const turn of document.querySelectorAll(".turn")) turn.remove();
    $("#empty").hidden = false;
    setStatus("New conversation started.");
  }
}

async function restoreConversation() {
  if (!state.conversationId) return;
  try {
    const res = await fetch(`/v1/conversations/${encodeURIComponent(state.conversationId)}`, { headers: authHeaders() });
    if (!res.ok) { if (res.status === 404) resetConversation(false); return; }
    const conv = await res.json();
    for (const t of conv.turns) {
      const turn = newTurn(t.question);
      renderFinal(turn, { ...t, abstained: false, conflict: false, related: [] });
    }
  } catch (_) { /* offline: start fresh */ }
}

// --- wiring ----------------------------------------------------------------------
$("#ask-form").addEventListener("submit", (e) => {
  e.preventDefault();
  const q = $("#question").value;
  $("#question").value = "";
  ask(q);
});
$("#question").addEventListener("keydown", (e) => {
  if (e.key === "Enter" && !e.shiftKey) {
    e.preventDefault();
    $("#ask-form").requestSubmit();
  }
});
$("#new-conversation").addEventListener("click", () => resetConversation(true));
for (const b of document.querySelectorAll(".suggestion")) b.addEventListener("click", () => ask(b.textContent));
$("#api-key").value = state.key;
$("#key-form").addEventListener("submit", (e) => {
  e.preventDefault();
  state.key = $("#api-key").value.trim();
  if (state.key) localStorage.setItem("apiKey", state.key); else localStorage.removeItem("apiKey");
  $("#key-settings").open = false;
  setStatus(state.key ? "API key saved in this browser." : "API key cleared.");
});
restoreConversation();
